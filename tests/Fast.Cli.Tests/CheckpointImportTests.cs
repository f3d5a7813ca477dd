namespace Fast.Cli.Tests;

/// <summary>
/// PyTorch checkpoints are read by the restricted unpickler: hostile ones are refused with one line
/// and exit 2, nothing is written, and the command the payload asks for never runs (its marker file
/// never appears). A well-formed one converts.
/// </summary>
public class CheckpointImportTests
{
    public static TheoryData<string> CodeRunningGlobals => new() { "os.system", "builtins.eval", "posix.system", "subprocess.Popen", "__main__.Evil" };

    [Theory]
    [MemberData(nameof(CodeRunningGlobals))]
    public void GlobalThatRunsCodeIsRefused(string global)
    {
        using var dir = new TempDir();
        string marker = dir.File("marker");
        int dot = global.LastIndexOf('.');
        string ckpt = dir.File("evil.ckpt");
        PickleBytes.WriteZip(ckpt, PickleBytes.SystemCall(global[..dot], global[(dot + 1)..], marker));
        AssertRefused(dir, ckpt, $"refusing to run code: GLOBAL {global}");
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void StackGlobalOfPopenIsRefused()
    {
        // Protocol 4 names the global from two strings on the stack.
        using var dir = new TempDir();
        string marker = dir.File("marker");
        byte[] pkl = new PickleBytes().Str("subprocess").Str("Popen").Op(0x93)
            .Mark().Mark().Str("touch").Str(marker).Op((byte)'l').Tuple().Op((byte)'R').Stop().ToArray();
        string ckpt = dir.File("popen.pt");
        PickleBytes.WriteZip(ckpt, pkl);
        AssertRefused(dir, ckpt, "refusing to run code: GLOBAL subprocess.Popen");
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void BuildOnAListIsRefused()
    {
        // BUILD sets an object's state (__setstate__ on a crafted class); only dicts may be built here.
        using var dir = new TempDir();
        byte[] pkl = new PickleBytes().Op((byte)']').Op((byte)'}').Str("__setstate__").Str("x").Op((byte)'s').Op((byte)'b').Stop().ToArray();
        string ckpt = dir.File("build.ckpt");
        PickleBytes.WriteZip(ckpt, pkl);
        AssertRefused(dir, ckpt, "BUILD at offset");
    }

    [Fact]
    public void OpcodeOutsideTheWhitelistIsRefused()
    {
        // INST (protocol 0) instantiates a class named inline.
        using var dir = new TempDir();
        byte[] pkl = new PickleBytes().Mark().Op((byte)'i').Op("os\nsystem\n"u8.ToArray()).Stop().ToArray();
        string ckpt = dir.File("inst.ckpt");
        PickleBytes.WriteZip(ckpt, pkl);
        AssertRefused(dir, ckpt, "opcode 0x69");
    }

    [Fact]
    public void ZipPathTraversalIsRefused()
    {
        using var dir = new TempDir();
        string ckpt = dir.File("traversal.ckpt");
        PickleBytes.WriteZip(ckpt, PickleBytes.StateDict(4, 0, 4), new Dictionary<string, byte[]> { ["0"] = PickleBytes.Floats(4) }, pklName: "archive/../../etc/data.pkl");
        AssertRefused(dir, ckpt, "escapes the archive");
    }

    [Fact]
    public void StorageOffsetPastTheEndIsRefused()
    {
        using var dir = new TempDir();
        string ckpt = dir.File("offset.ckpt");
        PickleBytes.WriteZip(ckpt, PickleBytes.StateDict(4, 3, 4), new Dictionary<string, byte[]> { ["0"] = PickleBytes.Floats(4) });
        AssertRefused(dir, ckpt, "runs past the end of storage '0'");
    }

    [Fact]
    public void GigabyteStorageClaimIsRefused()
    {
        using var dir = new TempDir();
        string ckpt = dir.File("claim.ckpt");
        PickleBytes.WriteZip(ckpt, PickleBytes.StateDict(1 << 28, 0, 1 << 28), new Dictionary<string, byte[]> { ["0"] = PickleBytes.Floats(4) });
        AssertRefused(dir, ckpt, "runs past the end of storage '0'");
    }

    [Fact]
    public void GigabyteStringClaimIsRefused()
    {
        using var dir = new TempDir();
        byte[] pkl = new PickleBytes().Op((byte)'X').Op(BitConverter.GetBytes(1_000_000_000)).Op("abc"u8.ToArray()).Stop().ToArray();
        string ckpt = dir.File("string.ckpt");
        PickleBytes.WriteZip(ckpt, pkl);
        AssertRefused(dir, ckpt, "pickle claims 1000000000 bytes");
    }

    [Fact]
    public void HostileLegacyCheckpointIsRefused()
    {
        // The pre-1.6 format: magic, protocol 1001 and sys info pickles, then the payload.
        using var dir = new TempDir();
        string marker = dir.File("marker");
        byte[] magic = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, (byte)'.'];
        byte[] protocol = new PickleBytes().Op((byte)'M', 0xe9, 0x03).Stop().ToArray();
        byte[] sysInfo = new PickleBytes().Op((byte)'}').Stop().ToArray();
        string ckpt = dir.File("legacy.ckpt");
        File.WriteAllBytes(ckpt, [.. magic, .. protocol, .. sysInfo, .. PickleBytes.SystemCall("os", "system", marker)]);
        AssertRefused(dir, ckpt, "refusing to run code: GLOBAL os.system");
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void WellFormedCheckpointConvertsWithItsViewOffset()
    {
        using var dir = new TempDir();
        string ckpt = dir.File("good.ckpt");
        PickleBytes.WriteZip(ckpt, PickleBytes.StateDict(6, 2, 3), new Dictionary<string, byte[]> { ["0"] = PickleBytes.Floats(6) });
        string output = dir.File("good.safetensors");
        var r = CliRunner.Run("convert", ckpt, "-o", output);
        Assert.True(r.ExitCode == 0, r.StdErr);
        using var file = Fast.SafeTensors.SafeTensorsFile.Open(output);
        var w = file["w"];
        Assert.Equal([3L], w.Shape);
        byte[] bytes = new byte[w.ByteLength];
        file.CopyTo(w, 0, bytes);
        Assert.Equal(PickleBytes.Floats(6)[8..20], bytes);
    }

    [Fact]
    public void Zip64CheckpointConverts()
    {
        // Checkpoints past 4 GiB (SDXL .ckpt) keep sizes and offsets only in zip64 fields.
        using var dir = new TempDir();
        string ckpt = dir.File("zip64.ckpt");
        PickleBytes.WriteZip64(ckpt, [("archive/data.pkl", PickleBytes.StateDict(6, 1, 4)), ("archive/data/0", PickleBytes.Floats(6))]);
        string output = dir.File("zip64.safetensors");
        var r = CliRunner.Run("convert", ckpt, "-o", output);
        Assert.True(r.ExitCode == 0, r.StdErr);
        using var file = Fast.SafeTensors.SafeTensorsFile.Open(output);
        byte[] bytes = new byte[file["w"].ByteLength];
        file.CopyTo(file["w"], 0, bytes);
        Assert.Equal(PickleBytes.Floats(6)[4..20], bytes);
    }

    [Fact]
    public void Zip64OffsetPastTheEndIsRefused()
    {
        using var dir = new TempDir();
        string ckpt = dir.File("zip64.ckpt");
        PickleBytes.WriteZip64(ckpt, [("archive/data.pkl", PickleBytes.StateDict(6, 1, 4)), ("archive/data/0", PickleBytes.Floats(6))]);
        byte[] bytes = File.ReadAllBytes(ckpt);
        // The central directory offset of the zip64 end record (its last field), pointed past the end.
        int record = bytes.Length - 22 - 20 - 56;
        BitConverter.GetBytes(1L << 40).CopyTo(bytes, record + 48);
        File.WriteAllBytes(ckpt, bytes);
        AssertRefused(dir, ckpt, "lies outside the file");
    }

    private static void AssertRefused(TempDir dir, string ckpt, string expected)
    {
        string output = dir.File("out.safetensors");
        foreach (string[] args in new[] { new[] { "convert", ckpt, "-o", output }, ["inspect", ckpt] })
        {
            var r = CliRunner.Run(args);
            Assert.Equal(2, r.ExitCode);
            Assert.Contains(expected, r.StdErr, StringComparison.Ordinal);
            Assert.Contains(Path.GetFileName(ckpt), r.StdErr, StringComparison.Ordinal);
            Assert.Single(r.StdErr.Trim().Split('\n'));
            Assert.Empty(r.StdOut);
        }

        Assert.Equal([Path.GetFileName(ckpt)], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }
}
