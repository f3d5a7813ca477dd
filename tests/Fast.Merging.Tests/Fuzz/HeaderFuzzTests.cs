using System.Buffers.Binary;
using System.Text;
using Fast.Merging.Planning;
using Fast.Merging.Recipes;
using Fast.SafeTensors;

namespace Fast.Merging.Tests.Fuzz;

/// <summary>
/// A seeded mutation loop over a real model's header (issue 21): every mutant goes through the reader in both modes
/// and, when it opens, through the planner against the original. The only acceptable failures are the typed
/// bad-input ones; anything else (an overflow, an invalid operation, an index out of range) is a bug that the CLI
/// would report as exit 70. Deterministic: the seed and the iteration number name a failing mutant.
/// FASTMERGE_FUZZ_ITERATIONS raises the count for a long run (bench/fuzz_headers.sh).
/// </summary>
public sealed class HeaderFuzzTests(Engine.EngineModels models) : IClassFixture<Engine.EngineModels>, IDisposable
{
    private const int Seed = 21;
    private static readonly string[] s_tokens =
    [
        "0", "-1", "1e3", "18446744073709551616", "9223372036854775807", "4611686018427387904", "null", "true", "[]", "{}",
        "\"\\ud800\"", "\"\\u0000\"", "\"F16\"", "\"BF16\"", "\"F8_E4M3\"", "\"__metadata__\"", "[0,0]", "[1099511627776,1099511627776,0]", "\"",
        ",", ":", "[", "]", "{", "}", "\\",
    ];

    private readonly string _dir = Directory.CreateTempSubdirectory("fast-fuzz-").FullName;

    [Fact]
    public void Mutated_headers_fail_only_with_typed_bad_input_errors()
    {
        int iterations = int.TryParse(Environment.GetEnvironmentVariable("FASTMERGE_FUZZ_ITERATIONS"), out int n) && n > 0 ? n : 500;
        byte[] original = File.ReadAllBytes(models.A);
        int headerLength = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(original));
        byte[] header = original.AsSpan(8, headerLength).ToArray();
        byte[] data = original.AsSpan(8 + headerLength).ToArray();
        var random = new Random(Seed);
        string path = Path.Combine(_dir, "mutant.safetensors");
        using SafeTensorsFile b = SafeTensorsFile.Open(models.A);
        var recipe = new MergeRecipe { A = new MergeInput(path), B = new MergeInput(models.A), Mode = MergeMode.WeightSum };
        int opened = 0;
        for (int i = 0; i < iterations; i++)
        {
            byte[] mutant = Mutate(header, random);
            bool lie = random.Next(8) == 0;
            using (var f = File.Create(path))
            {
                byte[] prefix = new byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(prefix, lie ? (ulong)random.NextInt64() : (ulong)mutant.Length);
                f.Write(prefix);
                f.Write(mutant);
                f.Write(data, 0, random.Next(4) == 0 ? random.Next(data.Length + 1) : data.Length);
            }

            foreach (ReadMode mode in new[] { ReadMode.Buffered, ReadMode.Mapped })
            {
                try
                {
                    using SafeTensorsFile a = SafeTensorsFile.Open(path, mode);
                    opened++;
                    _ = MergePlanner.Plan(recipe, a, b, null);
                }
                catch (Exception e) when (e is SafeTensorsFormatException or MergingException)
                {
                }
                catch (Exception e)
                {
                    Assert.Fail($"seed {Seed}, iteration {i}, {mode}: {e.GetType().Name}: {e.Message}\n{Encoding.UTF8.GetString(mutant)[..Math.Min(mutant.Length, 400)]}");
                }
            }
        }

        Assert.True(opened > 0, "no mutant was valid: the loop never reached the planner");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static byte[] Mutate(byte[] header, Random random)
    {
        var bytes = new List<byte>(header);
        int edits = 1 + random.Next(3);
        for (int e = 0; e < edits && bytes.Count > 0; e++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + random.Next(16)));
                    break;
                case 2:
                    bytes.InsertRange(at, Encoding.UTF8.GetBytes(s_tokens[random.Next(s_tokens.Length)]));
                    break;
                case 3:
                    // Replace a number with a hostile one: shapes and offsets are where sizes overflow.
                    int digit = bytes.FindIndex(at, b => b is >= (byte)'0' and <= (byte)'9');
                    if (digit >= 0)
                    {
                        int end = digit;
                        while (end < bytes.Count && bytes[end] is >= (byte)'0' and <= (byte)'9')
                        {
                            end++;
                        }

                        bytes.RemoveRange(digit, end - digit);
                        bytes.InsertRange(digit, Encoding.UTF8.GetBytes(s_tokens[random.Next(6)]));
                    }

                    break;
                default:
                    int from = random.Next(bytes.Count);
                    int length = Math.Min(bytes.Count - from, 1 + random.Next(64));
                    bytes.InsertRange(at, bytes.GetRange(from, length)); // duplicated keys and entries
                    break;
            }
        }

        return [.. bytes];
    }
}
