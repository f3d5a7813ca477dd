using Fast.Merging.Api;

namespace Fast.Native;

/// <summary>
/// The one place where exceptions stop: every export runs its body through <see cref="Run"/>, which records the
/// message for <c>fm_last_error</c> and turns the exception into a status code. Nothing may unwind into C.
/// </summary>
internal static class NativeCall
{
    public static int Run(Action body)
    {
        LastError.Clear();
        try
        {
            body();
            return Status.Ok;
        }
        catch (Exception thrown)
        {
            var (failure, cause) = FailureClassifier.Classify(thrown, e => e is NativeInputException);
            int status = StatusOf(failure);
            LastError.Set(MessageOf(cause, status));
            return status;
        }
    }

    /// <summary>The status of each class of failure: the same classes the CLI's exit codes report (<c>fm_exit_code</c>).</summary>
    public static int StatusOf(FailureClass failure) => failure switch
    {
        FailureClass.BadInput => Status.InvalidInput,
        FailureClass.NoRoom => Status.IoFailure,
        FailureClass.Cancelled => Status.Cancelled,
        _ => Status.Internal,
    };

    private static string MessageOf(Exception ex, int status)
    {
        string message = ex.Message.ReplaceLineEndings(" ").Trim();
        return status switch
        {
            Status.Cancelled => "cancelled by the progress callback; no output was written",
            Status.Internal => $"internal error (please report): {ex.GetType().Name}: {message}",
            _ => message,
        };
    }
}
