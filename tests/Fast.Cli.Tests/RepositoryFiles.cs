namespace Fast.Cli.Tests;

/// <summary>Files of the checkout the tests compare against (docs/cli.md, native-compat/include/fastmerge.h).</summary>
internal static class RepositoryFiles
{
    /// <summary>The folder holding Fast.sln, found above the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Fast.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Fast.sln above {AppContext.BaseDirectory}");
    }
}
