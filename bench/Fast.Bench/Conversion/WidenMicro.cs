using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Fast.Kernels;
using Fast.Kernels.Conversion;

namespace Fast.Bench.Conversion;

/// <summary>
/// binary16 → binary32 widening on one thread, the rework against the previous code (<see cref="PreviousHalfWiden"/>)
/// at 512 and 256 bits, interleaved call by call (best of many rounds): <c>dotnet Fast.Bench.dll widen-micro [SECONDS]</c>.
/// 1 Mi weights-like fp16 elements (|x| ≤ 0.1, a few subnormals), 2 MiB in and 4 MiB out, so the figures are the
/// conversion's own cost rather than DRAM's. "new 512 ×2" is the same conversion unrolled by two (two independent
/// vectors per iteration), the variant ConvertLoop.Widen would use if it paid. Every row's output is checked against
/// ElementConvert.Widen before timing. Rows a machine cannot accelerate print "n/a".
/// </summary>
internal static class WidenMicro
{
    private const int Elements = 1 << 20;

    public static void Run(double seconds)
    {
        byte[] source = WeightsLike();
        float[] destination = new float[Elements];
        (string Name, bool Runs, Action Action)[] rows =
        [
            ("old 512", Vector512.IsHardwareAccelerated, () => PreviousHalfWiden.Widen512(source, destination)),
            ("new 512", Vector512.IsHardwareAccelerated, () => New512(source, destination)),
            ("new 512 ×2", Vector512.IsHardwareAccelerated, () => New512Unrolled(source, destination)),
            ("old 256", Vector256.IsHardwareAccelerated, () => PreviousHalfWiden.Widen256(source, destination)),
            ("new 256", Vector256.IsHardwareAccelerated, () => New256(source, destination)),
        ];
        (string Name, bool Runs, Action Action)[] runnable = rows.Where(r => r.Runs).ToArray();
        CheckAgainstElementConvert(source, destination, runnable);
        double[] best = InterleavedTiming.Best(runnable.Select(r => r.Action).ToArray(), seconds, minRounds: 20);
        Console.WriteLine($"| {Environment.ProcessorCount} logical CPUs, 1 thread, {Elements} F16 elements | µs per M elements (best) |");
        Console.WriteLine("|---|---|");
        int k = 0;
        foreach ((string name, bool runs, _) in rows)
        {
            Console.WriteLine(runs ? $"| {name} | {best[k++] * 1e6 / (Elements / 1e6):F1} |" : $"| {name} | n/a |");
        }
    }

    private static void CheckAgainstElementConvert(byte[] source, float[] destination, (string Name, bool Runs, Action Action)[] rows)
    {
        float[] expected = new float[Elements];
        ElementConvert.Widen(source, ElementType.F16, expected);
        foreach ((string name, _, Action action) in rows)
        {
            Array.Clear(destination);
            action();
            if (!MemoryMarshal.AsBytes(destination.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(expected.AsSpan())))
            {
                throw new InvalidOperationException($"widen-micro: row '{name}' differs from ElementConvert.Widen");
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void New512(ReadOnlySpan<byte> source, Span<float> destination)
    {
        ref byte s = ref MemoryMarshal.GetReference(source);
        ref float d = ref MemoryMarshal.GetReference(destination);
        nuint n = (nuint)destination.Length;
        for (nuint i = 0; i + 16 <= n; i += 16)
        {
            HalfLanes.F16ToSingle(LaneLoad.Load16x16(ref Unsafe.Add(ref s, i * 2))).StoreUnsafe(ref d, i);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void New512Unrolled(ReadOnlySpan<byte> source, Span<float> destination)
    {
        ref byte s = ref MemoryMarshal.GetReference(source);
        ref float d = ref MemoryMarshal.GetReference(destination);
        nuint n = (nuint)destination.Length;
        for (nuint i = 0; i + 32 <= n; i += 32)
        {
            Vector512<float> first = HalfLanes.F16ToSingle(LaneLoad.Load16x16(ref Unsafe.Add(ref s, i * 2)));
            Vector512<float> second = HalfLanes.F16ToSingle(LaneLoad.Load16x16(ref Unsafe.Add(ref s, (i + 16) * 2)));
            first.StoreUnsafe(ref d, i);
            second.StoreUnsafe(ref d, i + 16);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void New256(ReadOnlySpan<byte> source, Span<float> destination)
    {
        ref byte s = ref MemoryMarshal.GetReference(source);
        ref float d = ref MemoryMarshal.GetReference(destination);
        nuint n = (nuint)destination.Length;
        for (nuint i = 0; i + 8 <= n; i += 8)
        {
            HalfLanes.F16ToSingle(LaneLoad.Load8x16(ref Unsafe.Add(ref s, i * 2))).StoreUnsafe(ref d, i);
        }
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
