using Fast.Merging.Api;

namespace Fast.Cli.CommandLine;

/// <summary>
/// Maps exceptions to one line on stderr and an exit code, through the <see cref="FailureClassifier"/> the C ABI
/// uses too, so both report an outcome in the same class. Errors a user can cause never show a stack trace; an
/// unexpected exception is labelled as a FastMerge bug (set FASTMERGE_DEBUG=1 for the trace).
/// </summary>
internal static class ErrorReporter
{
    public static int Run(Func<int> command)
    {
        try
        {
            return command();
        }
        catch (Exception ex)
        {
            var (failure, cause) = FailureClassifier.Classify(ex, IsUsageError);
            switch (failure)
            {
                case FailureClass.Cancelled when cause is CancelledAfterOutputException after:
                    Console.Error.WriteLine($"fastmerge: {OneLine(after.Message)}");
                    break;
                case FailureClass.Cancelled:
                    // Every output is renamed into place only complete, and a cancellation after that rename is the
                    // case above: here nothing was.
                    Console.Error.WriteLine("fastmerge: cancelled; no output was written");
                    break;
                case FailureClass.Internal:
                    Console.Error.WriteLine($"fastmerge: internal error (please report): {cause.GetType().Name}: {OneLine(cause.Message)}");
                    if (Environment.GetEnvironmentVariable("FASTMERGE_DEBUG") == "1")
                    {
                        Console.Error.WriteLine(ex);
                    }

                    break;
                default:
                    Console.Error.WriteLine($"fastmerge: {OneLine(cause.Message)}");
                    break;
            }

            return ExitCodeOf(failure);
        }
    }

    /// <summary>
    /// The one-line message and exit code <see cref="Run"/> would report for <paramref name="ex"/>, or null for an
    /// exception that is a bug or a cancellation (a command checking many files reports a bad file and goes on to the next).
    /// </summary>
    public static (string Message, int ExitCode)? Describe(Exception ex)
    {
        var (failure, cause) = FailureClassifier.Classify(ex, IsUsageError);
        return failure is FailureClass.BadInput or FailureClass.NoRoom ? (OneLine(cause.Message), ExitCodeOf(failure)) : null;
    }

    /// <summary>The exit code of each class (the table in <see cref="ExitCodeTable"/>).</summary>
    /// <remarks>A cancellation exits 128 + the signal that asked for it (130 for Ctrl+C).</remarks>
    public static int ExitCodeOf(FailureClass failure) => failure == FailureClass.Cancelled ? ConsoleCancel.ExitCode : FailureExitCodes.Of(failure);

    private static bool IsUsageError(Exception ex) => ex is UsageException;

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
