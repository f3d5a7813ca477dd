using System.Diagnostics;
using System.Text;
using Xunit;

namespace Fast.SafeTensors.Tests;

/// <summary>
/// The edges of the edge (issue 21): escaped lone surrogates, empty tensors with huge dimensions, non-regular files,
/// files that shrink or are rewritten while open, output names at NAME_MAX, and temp files left by killed runs.
/// </summary>
public sealed class HostileEnvironmentTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Theory]
    [InlineData("{\"__metadata__\":{\"a\":\"\\ud800\"},\"t\":ENTRY}")] // lone high surrogate as a metadata value
    [InlineData("{\"__metadata__\":{\"a\":\"x\\udc00y\"},\"t\":ENTRY}")] // lone low surrogate
    [InlineData("{\"t\":{\"dtype\":\"\\ud800\",\"shape\":[2],\"data_offsets\":[0,8]}}")] // as a dtype
    public void An_escaped_lone_surrogate_anywhere_is_bad_json(string json) =>
        HostileFileAssert.Rejected(json.Replace("ENTRY", RawFile.Entry(), StringComparison.Ordinal), 8, FormatRule.InvalidJson);

    [Fact]
    public void A_paired_surrogate_escape_is_still_accepted()
    {
        SafeTensorsHeader header = HostileFileAssert.Accepted($"{{\"__metadata__\":{{\"a\":\"\\ud83d\\ude00\"}},\"t\":{RawFile.Entry()}}}", 8);
        Assert.Equal("\U0001F600", header.Metadata[0].Value);
    }

    [Theory]
    [InlineData("[1099511627776,1099511627776,0]")] // 2^40 · 2^40 · 0: the product of the rest overflows
    [InlineData("[0,4611686018427387904]")] // 2^62 elements of 2 bytes in a row
    public void An_empty_tensor_whose_other_dimensions_overflow_is_refused(string shape) =>
        HostileFileAssert.Rejected($"{{\"t\":{RawFile.Entry("\"F16\"", shape, "[0,0]")}}}", 0, FormatRule.SizeOverflow, "t");

    [Fact]
    public void An_empty_tensor_with_large_but_representable_dimensions_is_accepted()
    {
        SafeTensorsHeader header = HostileFileAssert.Accepted($"{{\"t\":{RawFile.Entry("\"F16\"", "[536870912,536870912,0]", "[0,0]")}}}", 0);
        Assert.Equal(0, header.TensorsInFileOrder[0].ElementCount);
    }

    [Fact]
    public async Task A_fifo_is_refused_at_once_as_not_a_regular_file()
    {
        string fifo = _dir.File("model.safetensors");
        using (Process mkfifo = Process.Start("mkfifo", [fifo]))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        foreach (ReadMode mode in new[] { ReadMode.Mapped, ReadMode.Buffered })
        {
            // Opening a FIFO for reading blocks until a writer comes: a hang shows as the timeout, not a stuck suite.
            Task<Exception?> open = Task.Run(() => Record(() => SafeTensorsFile.Open(fifo, mode).Dispose()));
            Assert.True(await Task.WhenAny(open, Task.Delay(TimeSpan.FromSeconds(10))) == open, "opening a FIFO hung");
            Exception? e = await open;
            Assert.IsType<IOException>(e);
            Assert.Contains("not a regular file", e.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("/dev/zero")]
    [InlineData("/dev/null")]
    public void Devices_are_not_regular_files(string path)
    {
        var e = Assert.IsType<IOException>(Record(() => SafeTensorsFile.Open(path, ReadMode.Buffered).Dispose()));
        Assert.Contains("not a regular file", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_proc_file_which_stat_calls_empty_is_refused_as_too_short()
    {
        var e = Assert.IsType<SafeTensorsFormatException>(Record(() => SafeTensorsFile.Open("/proc/self/status", ReadMode.Buffered).Dispose()));
        Assert.Equal(FormatRule.FileTooShort, e.Rule);
    }

    [Theory]
    [InlineData(ReadMode.Buffered)]
    [InlineData(ReadMode.Mapped)] // through the mapping this was SIGBUS: the test host died
    public void A_file_truncated_while_open_is_reported_as_changed(ReadMode mode)
    {
        string path = _dir.Write("m.safetensors", RawFile.Build($"{{\"t\":{RawFile.Entry("\"F32\"", "[4096]", "[0,16384]")}}}", 16384));
        using SafeTensorsFile file = SafeTensorsFile.Open(path, mode);
        using (var truncate = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
        {
            truncate.SetLength(100);
        }

        var e = Assert.IsAssignableFrom<IOException>(Record(() => file.CopyTo(file["t"], 8192, new byte[4096])));
        Assert.Contains("changed while being read", e.Message, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_252_byte_output_name_is_written()
    {
        string name = new string('n', 240) + ".safetensors"; // 252 bytes: legal; the temp name must still fit in 255
        string path = _dir.File(name);
        using (SafeTensorsWriter writer = SafeTensorsWriter.Create(path, [new TensorSpec("t", DType.F32, [1])], flushToDisk: false))
        {
            Assert.InRange(Encoding.UTF8.GetByteCount(Path.GetFileName(writer.TempPath)), 1, 255);
            writer.Write("t", 0, new byte[4]);
            writer.Commit();
        }

        using SafeTensorsFile written = SafeTensorsFile.Open(path);
        Assert.Single(written.Tensors);
    }

    [Fact]
    public void A_multibyte_name_at_the_limit_is_shortened_on_a_character_boundary()
    {
        string name = string.Concat(Enumerable.Repeat("é", 120)) + ".st"; // 243 bytes of UTF-8
        using SafeTensorsWriter writer = SafeTensorsWriter.Create(_dir.File(name), [new TensorSpec("t", DType.F32, [1])], flushToDisk: false);
        string temp = Path.GetFileName(writer.TempPath);
        Assert.InRange(Encoding.UTF8.GetByteCount(temp), 1, 255);
        Assert.DoesNotContain('\uFFFD', temp);
    }

    [Fact]
    public void A_writer_removes_stale_temp_files_of_its_naming_and_keeps_live_young_and_foreign_ones()
    {
        string stale = Touch(".old.safetensors.0123456789ab.tmp", TimeSpan.FromHours(1));
        string live = Touch(".live.safetensors.abcdef012345.tmp", TimeSpan.FromHours(1));
        string young = Touch(".young.safetensors.a0a0a0a0a0a0.tmp", TimeSpan.Zero);
        string foreign = Touch(".notes.tmp", TimeSpan.FromHours(1));
        string upper = Touch(".x.safetensors.ABCDEF012345.tmp", TimeSpan.FromHours(1));

        // A live writer holds its temp file the way SafeTensorsWriter does (FileShare.None: an exclusive lock).
        using (File.OpenHandle(live, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        using (SafeTensorsWriter writer = SafeTensorsWriter.Create(_dir.File("out.safetensors"), [new TensorSpec("t", DType.F32, [1])], flushToDisk: false))
        {
            Assert.False(File.Exists(stale), "a killed run's temp file was left");
            Assert.True(File.Exists(live), "a live writer's temp file was removed");
            Assert.True(File.Exists(young));
            Assert.True(File.Exists(foreign));
            Assert.True(File.Exists(upper));
            Assert.True(File.Exists(writer.TempPath));
        }
    }

    public void Dispose() => _dir.Dispose();

    private string Touch(string name, TimeSpan age)
    {
        string path = _dir.Write(name, [1, 2, 3]);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow - age);
        return path;
    }

    private static Exception? Record(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }
}
