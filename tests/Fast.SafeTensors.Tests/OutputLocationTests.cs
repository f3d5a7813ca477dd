using Xunit;

namespace Fast.SafeTensors.Tests;

/// <summary>Every cause of an output that cannot be created is said about the user's path, never the temp file.</summary>
public sealed class OutputLocationTests
{
    [Theory]
    [InlineData(30, "read-only file system")]
    [InlineData(2, "does not take new files")]
    [InlineData(5, "cannot write /tmp/x.safetensors")]
    public void Io_errors_name_the_users_path_and_the_cause(int errno, string cause)
    {
        var e = new IOException("Some OS text : '/tmp/.x.safetensors.0123456789ab.tmp'", errno);
        Exception reported = OutputLocation.Failure("/tmp/x.safetensors", "/tmp", e);
        Assert.Contains(cause, reported.Message, StringComparison.Ordinal);
        Assert.Contains("/tmp/x.safetensors", reported.Message, StringComparison.Ordinal);
        Assert.IsType<IOException>(reported);
    }

    [Fact]
    public void Permission_is_said_as_permission_denied()
    {
        Exception reported = OutputLocation.Failure("out/x.safetensors", "/abs/out", new UnauthorizedAccessException("Access to the path '/abs/out/.x.tmp' is denied."));
        Assert.Equal("cannot write out/x.safetensors: permission denied in folder /abs/out", reported.Message);
        Assert.IsType<UnauthorizedAccessException>(reported);
    }

    [Fact]
    public void A_folder_as_output_and_a_missing_folder_are_refused_before_writing()
    {
        string dir = Directory.CreateTempSubdirectory("fastmerge-outloc-").FullName;
        try
        {
            var folder = Assert.Throws<IOException>(() => SafeTensorsWriter.Create(dir, [], overwrite: true));
            Assert.Contains("is a folder", folder.Message, StringComparison.Ordinal);
            string missing = Path.Combine(dir, "nope", "x.safetensors");
            var absent = Assert.Throws<DirectoryNotFoundException>(() => SafeTensorsWriter.Create(missing, []));
            Assert.Equal($"cannot write {missing}: folder {Path.Combine(dir, "nope")} does not exist", absent.Message);
            var ckpt = Assert.Throws<IOException>(() => SafeTensorsWriter.Create(Path.Combine(dir, "x.CKPT"), []));
            Assert.Contains("name the output .safetensors", ckpt.Message, StringComparison.Ordinal);
            Assert.Empty(Directory.GetFiles(dir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
