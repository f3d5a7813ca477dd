using Fast.Kernels.Attention;
using Fast.Merging;
using Fast.SafeTensors;

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
            Exception ex = Unwrap(thrown);
            int status = StatusOf(ex);
            LastError.Set(MessageOf(ex, status));
            return status;
        }
    }

    /// <summary>Parallel loops wrap a worker's exception; the caller wants the error itself.</summary>
    private static Exception Unwrap(Exception ex)
    {
        if (ex is not AggregateException aggregate)
        {
            return ex;
        }

        var inner = aggregate.Flatten().InnerExceptions;
        return inner.FirstOrDefault(e => e is not OperationCanceledException) ?? inner.FirstOrDefault() ?? ex;
    }

    private static int StatusOf(Exception ex) => ex switch
    {
        OperationCanceledException => Status.Cancelled,
        NativeInputException or MergingException or SafeTensorsFormatException or SlothfulException => Status.InvalidInput,
        SafeTensorsWriteException { Failure: WriteFailure.OutputExists } => Status.InvalidInput,
        FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or PathTooLongException => Status.InvalidInput,
        IOException => Status.IoFailure,
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
