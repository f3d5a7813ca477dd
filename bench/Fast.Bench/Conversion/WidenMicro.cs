using System.Runtime.InteropServices;
using Fast.Kernels;

namespace Fast.Bench.Conversion;

/// <summary>
/// binary16 → binary32 widening and binary32 → binary16 narrowing (<see cref="ElementConvert.Widen"/> and
/// <see cref="ElementConvert.Narrow"/>) on one thread, interleaved call by call (best of many rounds):
/// <c>dotnet Fast.Bench.dll widen-micro [SECONDS [BASELINE_FAST_KERNELS_DLL]]</c>. With a second Fast.Kernels.dll
/// (another build, e.g. main's) its conversions are timed in the same rounds and their outputs compared bit for bit
/// with this build's. 1 Mi weights-like fp16 elements (|x| ≤ 0.1, one in 64 a subnormal), 2 MiB of fp16 and 4 MiB of
/// fp32, so the figures are the conversions' own cost rather than DRAM's. The widest vectors the machine accelerates
/// are used; <c>DOTNET_EnableAVX512F=0 DOTNET_EnableAVX512=0</c> times the 256-bit code.
/// </summary>
internal static class WidenMicro
{
    private const int Elements = 1 << 20;

    private delegate void WidenCall(ReadOnlySpan<byte> source, Span<float> destination);

    private delegate void NarrowCall(ReadOnlySpan<float> source, Span<byte> destination);

    public static void Run(double seconds, string baselinePath)
    {
        byte[] source = WeightsLike();
        float[] widened = new float[Elements];
        ElementConvert.Widen(source, ElementType.F16, widened);

        var rows = new List<(string Name, Action Action, byte[] Output)>();
        AddRows(rows, "this build", (s, d) => ElementConvert.Widen(s, ElementType.F16, d), (s, d) => ElementConvert.Narrow(s, d, ElementType.F16), source, widened);
        if (baselinePath.Length > 0)
        {
            AddRows(
                rows,
                "baseline",
                BaselineBuild.MethodWithEnum<WidenCall>(baselinePath, "Fast.Kernels.ElementConvert", nameof(ElementConvert.Widen), 1, nameof(ElementType.F16)),
                BaselineBuild.MethodWithEnum<NarrowCall>(baselinePath, "Fast.Kernels.ElementConvert", nameof(ElementConvert.Narrow), 2, nameof(ElementType.F16)),
                source,
                widened);
        }

        // Each row runs once before timing: widening must give this build's floats, narrowing the fp16 source back.
        foreach ((string name, Action action, byte[] output) in rows)
        {
            action();
            byte[] expected = name.StartsWith("widen", StringComparison.Ordinal) ? MemoryMarshal.AsBytes(widened.AsSpan()).ToArray() : source;
            if (!output.AsSpan().SequenceEqual(expected))
            {
                throw new InvalidOperationException($"widen-micro: row '{name}' differs from this build's ElementConvert");
            }
        }

        double[] best = InterleavedTiming.Best([.. rows.Select(r => r.Action)], seconds, minRounds: 20);
        Console.WriteLine($"| {Environment.ProcessorCount} logical CPUs, 1 thread, {Elements} F16 elements | µs per M elements (best) | / this build |");
        Console.WriteLine("|---|---|---|");
        for (int i = 0; i < rows.Count; i++)
        {
            Console.WriteLine($"| {rows[i].Name} | {best[i] * 1e6 / (Elements / 1e6):F1} | {best[i] / best[i % 2]:F3} |");
        }
    }

    private static void AddRows(List<(string Name, Action Action, byte[] Output)> rows, string build, WidenCall widen, NarrowCall narrow, byte[] source, float[] widened)
    {
        byte[] widenOutput = new byte[Elements * sizeof(float)];
        byte[] narrowOutput = new byte[Elements * 2];
        rows.Add(($"widen, {build}", () => widen(source, MemoryMarshal.Cast<byte, float>(widenOutput.AsSpan())), widenOutput));
        rows.Add(($"narrow, {build}", () => narrow(widened, narrowOutput), narrowOutput));
    }

    /// <summary>Normal values |x| ≤ 0.1 with one element in 64 a subnormal half (as fp16 checkpoints have), seeded.</summary>
    private static byte[] WeightsLike()
    {
        var random = new Random(7);
        var bytes = new byte[Elements * 2];
        Span<ushort> halves = MemoryMarshal.Cast<byte, ushort>(bytes.AsSpan());
        for (int i = 0; i < Elements; i++)
        {
            halves[i] = i % 64 == 0
                ? (ushort)random.Next(0, 0x400)
                : BitConverter.HalfToUInt16Bits((Half)((random.NextDouble() - 0.5) * 0.2));
        }

        return bytes;
    }
}
