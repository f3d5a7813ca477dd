using Fast.Kernels.Attention;
using Fast.SafeTensors;

namespace Fast.Merging.Api;

/// <summary>
/// Decides the <see cref="FailureClass"/> of an exception, and which exception's message the user should see, for
/// the CLI and the C ABI alike, so an outcome has the same class whichever front end ran it. A parallel loop wraps
/// what its workers saw in an <see cref="AggregateException"/>; the classification looks inside it.
/// </summary>
public static class FailureClassifier
{
    /// <summary>The class of <paramref name="ex"/> and the exception that explains it.</summary>
    /// <param name="ex">What the operation threw.</param>
    /// <param name="isFrontEndInputError">Exceptions of the calling front end that also mean bad input (the CLI's usage errors, the C ABI's request errors).</param>
    public static (FailureClass Class, Exception Cause) Classify(Exception ex, Func<Exception, bool>? isFrontEndInputError = null)
    {
        ArgumentNullException.ThrowIfNull(ex);
        Exception[] seen = ex is AggregateException aggregate ? [.. aggregate.Flatten().InnerExceptions] : [ex];

        // No room outranks the rest: a worker that failed on a full disk makes the others fail in its wake.
        if (seen.FirstOrDefault(IsNoRoom) is { } full)
        {
            return (FailureClass.NoRoom, full);
        }

        if (seen.FirstOrDefault(e => IsInputError(e) || (isFrontEndInputError?.Invoke(e) ?? false)) is { } input)
        {
            return (FailureClass.BadInput, input);
        }

        if (seen.Length > 0 && seen.All(e => e is OperationCanceledException))
        {
            return (FailureClass.Cancelled, seen[0]);
        }

        return (FailureClass.Internal, seen.FirstOrDefault(e => e is not OperationCanceledException) ?? ex);
    }

    private static bool IsNoRoom(Exception ex) => ex is SafeTensorsWriteException { Failure: WriteFailure.OutOfSpace };

    /// <summary>
    /// Mistakes in the input, not bugs. A plain <see cref="IOException"/> is the operating system refusing a read or
    /// an open (a file that vanished, a device error on an input); its subclasses that are not listed here
    /// (e.g. a write that found unwritten bytes at commit) are bugs.
    /// </summary>
    private static bool IsInputError(Exception ex) => ex is MergingException
        or SlothfulException
        or SafeTensorsFormatException
        or FileChangedException
        or SafeTensorsWriteException { Failure: WriteFailure.OutputExists }
        or FileNotFoundException
        or DirectoryNotFoundException
        or UnauthorizedAccessException
        or PathTooLongException
        || (ex is IOException && ex.GetType() == typeof(IOException));
}
