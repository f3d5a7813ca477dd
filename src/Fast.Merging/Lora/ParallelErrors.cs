using System.Runtime.ExceptionServices;

namespace Fast.Merging.Lora;

/// <summary>Runs a parallel loop and rethrows its first failure as itself, so a user error stays a one-line user error.</summary>
internal static class ParallelErrors
{
    public static void Run(Action loop)
    {
        try
        {
            loop();
        }
        catch (AggregateException aggregate) when (aggregate.Flatten().InnerExceptions.Count > 0)
        {
            // A cancellation is reported as such only when nothing else failed.
            var errors = aggregate.Flatten().InnerExceptions;
            ExceptionDispatchInfo.Capture(errors.FirstOrDefault(e => e is not OperationCanceledException) ?? errors[0]).Throw();
            throw;
        }
    }
}
