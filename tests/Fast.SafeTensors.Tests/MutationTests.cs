using System.Buffers.Binary;
using System.Text;
using Xunit;

namespace Fast.SafeTensors.Tests;

/// <summary>
/// Randomised hostile input (fixed seed): mutated valid files must either parse into a consistent
/// layout or fail with <see cref="SafeTensorsFormatException"/> — never another exception, never an
/// allocation out of proportion to the file.
/// </summary>
public class MutationTests
{
    private const int Iterations = 60_000;
    private const int FileEveryNth = 200;

    private static readonly string[] s_tokens =
    [
        "-", "-1", ".0", "e9", "\"", "\\", "\\u0061", "{", "}", "[", "]", ",", ":", "null", "true", "0",
        "18446744073709551615", "9223372036854775807", "9223372036854775808", "\"dtype\"", "\"shape\"",
        "\"data_offsets\"", "\"__metadata__\"", "\"F4\"", "\"F6_E2M3\"", "[]", "{}", " ", "\u00e9", "\0",
    ];

    [Fact]
    public void MutatedFilesNeverEscapeTheTypedError()
    {
        var random = new Random(20240601);
        byte[][] corpus =
        [
            CanonicalFiles.Mixed(1),
            CanonicalFiles.SdSlice(12, 2),
            CanonicalFiles.SdSlice(3, 3),
            RawFile.Build($"{{\"a\":{RawFile.Entry()},\"s\":{RawFile.Entry(shape: "[]", offsets: "[8,12]")}}}", 12),
            RawFile.Build("{}"),
        ];
        foreach (byte[] valid in corpus)
        {
            HeaderValidator.ParseFile(valid, "corpus");
        }

        using var dir = new TempDir();
        int accepted = 0;
        var rules = new HashSet<FormatRule>();
        for (int i = 0; i < Iterations; i++)
        {
            byte[] bytes = Mutate(random, corpus);
            long before = GC.GetAllocatedBytesForCurrentThread();
            FormatRule? outcome = ParseInMemory(bytes, i);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            // Strings (UTF-16), entries and lists grow with the header, which is part of the file;
            // a lying size field must not add to that.
            Assert.True(allocated <= (32L * bytes.Length) + 32_768, $"iteration {i}: {allocated} bytes allocated for a {bytes.Length}-byte file");
            if (outcome is null)
            {
                accepted++;
            }
            else
            {
                rules.Add(outcome.Value);
            }

            if (i % FileEveryNth == 0)
            {
                string path = dir.Write($"m{i}.safetensors", bytes);
                Assert.Equal(outcome, ParseFromFile(path, ReadMode.Buffered, i));
                Assert.Equal(outcome, ParseFromFile(path, ReadMode.Mapped, i));
                File.Delete(path);
            }
        }

        // The mutations must reach deep into the rule list, not just break the prefix.
        Assert.True(rules.Count >= 14, $"only reached {string.Join(", ", rules)}");
        Assert.True(accepted > 0);
    }

    private static FormatRule? ParseInMemory(byte[] bytes, int iteration)
    {
        try
        {
            SafeTensorsHeader header = HeaderValidator.ParseFile(bytes, "fuzz");
            CheckConsistent(header, bytes.Length);
            return null;
        }
        catch (SafeTensorsFormatException e)
        {
            return e.Rule;
        }
        catch (Exception e)
        {
            Assert.Fail($"iteration {iteration}: {e.GetType().Name}: {e.Message}\n{Convert.ToHexString(bytes.AsSpan(0, Math.Min(bytes.Length, 512)))}");
            throw;
        }
    }

    private static FormatRule? ParseFromFile(string path, ReadMode mode, int iteration)
    {
        try
        {
            using var file = SafeTensorsFile.Open(path, mode);
            var buffer = new byte[64];
            foreach (TensorInfo t in file.Tensors)
            {
                file.CopyTo(t, 0, buffer.AsSpan(0, (int)Math.Min(t.ByteLength, buffer.Length)));
            }

            return null;
        }
        catch (SafeTensorsFormatException e)
        {
            return e.Rule;
        }
        catch (Exception e)
        {
            Assert.Fail($"iteration {iteration} ({mode}): {e.GetType().Name}: {e.Message}");
            throw;
        }
    }

    private static void CheckConsistent(SafeTensorsHeader header, long fileLength)
    {
        long expected = 0;
        foreach (TensorInfo t in header.TensorsInDataOrder)
        {
            Assert.Equal(expected, t.DataStart);
            Assert.True(t.DataEnd >= t.DataStart);
            expected = t.DataEnd;
        }

        Assert.Equal(fileLength, header.DataOffset + expected);
    }

    private static byte[] Mutate(Random random, byte[][] corpus)
    {
        byte[] source = corpus[random.Next(corpus.Length)];
        var bytes = new List<byte>(source);
        int headerEnd = (int)Math.Min(8 + (long)BinaryPrimitives.ReadUInt64LittleEndian(source), source.Length);
        Span<byte> prefix = stackalloc byte[8];
        int rounds = 1 + random.Next(3);
        for (int r = 0; r < rounds && bytes.Count > 0; r++)
        {
            switch (random.Next(8))
            {
                case 0: // bit flip, mostly inside the header where the rules live
                    int at = random.Next(4) == 0 ? random.Next(bytes.Count) : random.Next(Math.Min(headerEnd, bytes.Count));
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1: // truncation
                    int cut = random.Next(bytes.Count);
                    bytes.RemoveRange(cut, bytes.Count - cut);
                    break;
                case 2: // splice a slice of another corpus file in
                    byte[] donor = corpus[random.Next(corpus.Length)];
                    int from = random.Next(donor.Length);
                    int length = random.Next(Math.Min(64, donor.Length - from) + 1);
                    bytes.InsertRange(random.Next(bytes.Count + 1), donor.AsSpan(from, length).ToArray());
                    break;
                case 3: // header token insert
                    bytes.InsertRange(random.Next(Math.Min(headerEnd, bytes.Count) + 1), Encoding.UTF8.GetBytes(s_tokens[random.Next(s_tokens.Length)]));
                    break;
                case 4: // header token replace (keeps N consistent only by luck, as real damage does)
                    int start = random.Next(Math.Min(headerEnd, bytes.Count));
                    bytes.RemoveRange(start, Math.Min(random.Next(1, 6), bytes.Count - start));
                    bytes.InsertRange(start, Encoding.UTF8.GetBytes(s_tokens[random.Next(s_tokens.Length)]));
                    break;
                case 5: // change a digit: offsets and shapes stay syntactically valid but lie
                    int digit = bytes.FindIndex(random.Next(Math.Min(headerEnd, bytes.Count)), b => b is >= (byte)'0' and <= (byte)'9');
                    if (digit >= 0)
                    {
                        bytes[digit] = (byte)('0' + random.Next(10));
                    }

                    break;
                case 6: // rewrite the length prefix: near miss or wild
                    if (bytes.Count >= 8)
                    {
                        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes.ToArray());
                        ulong lie = random.Next(3) switch
                        {
                            0 => n + (ulong)random.Next(-16, 17),
                            1 => (ulong)random.NextInt64(),
                            _ => (ulong)random.Next(100_000_002),
                        };
                        BinaryPrimitives.WriteUInt64LittleEndian(prefix, lie);
                        for (int k = 0; k < 8; k++)
                        {
                            bytes[k] = prefix[k];
                        }
                    }

                    break;
                default: // data buffer grows or shrinks
                    if (random.Next(2) == 0)
                    {
                        bytes.AddRange(new byte[random.Next(1, 16)]);
                    }
                    else
                    {
                        bytes.RemoveRange(bytes.Count - 1, 1);
                    }

                    break;
            }
        }

        // Keep N honest half the time so mutations get past rule 1 and exercise the JSON rules.
        if (bytes.Count >= 8 && random.Next(2) == 0)
        {
            int shift = bytes.Count - source.Length;
            ulong n = (ulong)Math.Max(0, (int)BinaryPrimitives.ReadUInt64LittleEndian(source) + shift);
            BinaryPrimitives.WriteUInt64LittleEndian(prefix, Math.Min(n, (ulong)bytes.Count - 8));
            for (int k = 0; k < 8; k++)
            {
                bytes[k] = prefix[k];
            }
        }

        return [.. bytes];
    }
}
