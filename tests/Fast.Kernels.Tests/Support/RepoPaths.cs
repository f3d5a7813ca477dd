namespace Fast.Kernels.Tests.Support;

internal static class RepoPaths
{
    /// <summary>The checkout root: the first directory above the test binaries that holds Fast.sln.</summary>
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Fast.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Fast.sln above {AppContext.BaseDirectory}.");
    }
}
