using Fast.Merging.Api;
using Fast.SafeTensors;

namespace Fast.Cli.CommandLine;

/// <summary>
/// Maps exceptions to one line on stderr and an exit code. Errors a user can cause never show a
/// stack trace; an unexpected exception is labelled as a FastMerge bug (set FASTMERGE_DEBUG=1 for
/// the trace).
/// </summary>
internal static class ErrorReporter
{
    public static int Run(Func<int> command)
    {
        try
        {
            return command();
        }
        catch (Exception ex) when (OutOfSpace(ex) is { } full)
        {
            Console.Error.WriteLine($"fastmerge: {OneLine(full.Message)}");
            return ExitCodes.OutOfSpace;
        }
        catch (AggregateException ex) when (ex.Flatten().InnerExceptions.FirstOrDefault(IsUserError) is { } inner)
        {
            // A parallel loop (fix's copy, the check's scan) wraps what a worker saw, e.g. an input that shrank.
            Console.Error.WriteLine($"fastmerge: {OneLine(inner.Message)}");
            return ExitCodes.Usage;
        }
        catch (Exception ex) when (IsUserError(ex))
        {
            Console.Error.WriteLine($"fastmerge: {OneLine(ex.Message)}");
            return ExitCodes.Usage;
        }
        catch (CancelledAfterOutputException ex)
        {
            Console.Error.WriteLine($"fastmerge: {OneLine(ex.Message)}");
            return ConsoleCancel.ExitCode;
        }
        catch (OperationCanceledException)
        {
            // Every output is renamed into place only complete, and a cancellation after that rename is the
            // exception above: here nothing was.
            Console.Error.WriteLine("fastmerge: cancelled; no output was written");
            return ConsoleCancel.ExitCode;
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"fastmerge: internal error (please report): {ex.GetType().Name}: {OneLine(ex.Message)}");
            if (Environment.GetEnvironmentVariable("FASTMERGE_DEBUG") == "1")
            {
                Console.Error.WriteLine(ex);
            }

            return ExitCodes.InternalError;
        }
    }

    /// <summary>
    /// The one-line message and exit code <see cref="Run"/> would report for <paramref name="ex"/>, or null for an
    /// exception that is a bug (a command checking many files reports a bad file and goes on to the next).
    /// </summary>
    public static (string Message, int ExitCode)? Describe(Exception ex)
    {
        if (OutOfSpace(ex) is { } full)
        {
            return (OneLine(full.Message), ExitCodes.OutOfSpace);
        }

        Exception? user = ex is AggregateException aggregate ? aggregate.Flatten().InnerExceptions.FirstOrDefault(IsUserError) : IsUserError(ex) ? ex : null;
        return user is null ? null : (OneLine(user.Message), ExitCodes.Usage);
    }

    /// <summary>The writer's "no room for the output", also when a parallel loop wrapped it.</summary>
    private static SafeTensorsWriteException? OutOfSpace(Exception ex) => ex switch
    {
        SafeTensorsWriteException { Failure: WriteFailure.OutOfSpace } full => full,
        AggregateException aggregate => aggregate.Flatten().InnerExceptions.Select(OutOfSpace).FirstOrDefault(e => e is not null),
        _ => null,
    };

    private static bool IsUserError(Exception ex) => ex is UsageException
        or SafeTensorsFormatException
        or FileChangedException
        or SafeTensorsWriteException { Failure: WriteFailure.OutputExists }
        or FileNotFoundException
        or DirectoryNotFoundException
        or UnauthorizedAccessException
        or PathTooLongException
        || (ex is IOException && ex.GetType() == typeof(IOException))
        || UserErrors.IsUserError(ex);

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
