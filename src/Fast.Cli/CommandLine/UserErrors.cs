using Fast.Kernels.Attention;
using Fast.Merging;

namespace Fast.Cli.CommandLine;

/// <summary>Exceptions from the library layers that describe a mistake in the input, not a bug.</summary>
internal static class UserErrors
{
    public static bool IsUserError(Exception ex) => ex is MergingException or SlothfulException;
}
