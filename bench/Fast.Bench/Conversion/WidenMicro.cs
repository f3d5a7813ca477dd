using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Fast.Kernels;
using Fast.Kernels.Conversion;

namespace Fast.Bench.Conversion;

/// <summary>
/// binary16 → binary32 widening and binary32 → binary16 narrowing on one thread, the rework against the previous code
/// (<see cref="PreviousHalfLanes"/>) at 512 and 256 bits, interleaved call by call (best of many rounds):
/// <c>dotnet Fast.Bench.dll widen-micro [SECONDS]</c>. 1 Mi weights-like fp16 elements (|x| ≤ 0.1, one in 64 a
/// subnormal), 2 MiB of fp16 and 4 MiB of fp32, so the figures are the conversions' own cost rather than DRAM's.
/// "new 512 ×2" is the widening unrolled by two (two independent vectors per iteration), the variant
/// ConvertLoop.Widen would use if it paid. Every row's output is checked against ElementConvert before timing. Rows a
/// machine cannot accelerate print "n/a".
/// </summary>
internal static class WidenMicro
{
    private const int Elements = 1 << 20;

    public static void Run(double seconds)
    {
        byte[] source = WeightsLike();
        float[] destination = new float[Elements];
        float[] widened = new float[Elements];
        ElementConvert.Widen(source, ElementType.F16, widened);
        byte[] narrowed = new byte[Elements * 2];
        (string Name, bool Runs, Action Action)[] rows =
        [
            ("widen old 512", Vector512.IsHardwareAccelerated, () => PreviousHalfLanes.Widen512(source, destination)),
            ("widen new 512", Vector512.IsHardwareAccelerated, () => New512(source, destination)),
            ("widen new 512 ×2", Vector512.IsHardwareAccelerated, () => New512Unrolled(source, destination)),
            ("widen old 256", Vector256.IsHardwareAccelerated, () => PreviousHalfLanes.Widen256(source, destination)),
            ("widen new 256", Vector256.IsHardwareAccelerated, () => New256(source, destination)),
            ("narrow old 512", Vector512.IsHardwareAccelerated, () => PreviousHalfLanes.Narrow512(widened, narrowed)),
            ("narrow new 512", Vector512.IsHardwareAccelerated, () => NewNarrow512(widened, narrowed)),
            ("narrow old 256", Vector256.IsHardwareAccelerated, () => PreviousHalfLanes.Narrow256(widened, narrowed)),
            ("narrow new 256", Vector256.IsHardwareAccelerated, () => NewNarrow256(widened, narrowed)),
        ];
        (string Name, bool Runs, Action Action)[] runnable = rows.Where(r => r.Runs).ToArray();
        CheckAgainstElementConvert(source, destination, widened, narrowed, runnable);
        double[] best = InterleavedTiming.Best(runnable.Select(r => r.Action).ToArray(), seconds, minRounds: 20);
        Console.WriteLine($"| {Environment.ProcessorCount} logical CPUs, 1 thread, {Elements} F16 elements | µs per M elements (best) |");
        Console.WriteLine("|---|---|");
        int k = 0;
        foreach ((string name, bool runs, _) in rows)
        {
            Console.WriteLine(runs ? $"| {name} | {best[k++] * 1e6 / (Elements / 1e6):F1} |" : $"| {name} | n/a |");
        }
    }

    /// <summary>Widening rows must give ElementConvert.Widen's floats, narrowing rows the fp16 source back (an exact round trip).</summary>
    private static void CheckAgainstElementConvert(byte[] source, float[] destination, float[] widened, byte[] narrowed, (string Name, bool Runs, Action Action)[] rows)
    {
        foreach ((string name, _, Action action) in rows)
        {
            Array.Clear(destination);
            Array.Clear(narrowed);
            action();
            bool same = name.StartsWith("widen", StringComparison.Ordinal)
                ? MemoryMarshal.AsBytes(destination.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(widened.AsSpan()))
                : narrowed.AsSpan().SequenceEqual(source);
            if (!same)
            {
                throw new InvalidOperationException($"widen-micro: row '{name}' differs from ElementConvert");
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void NewNarrow512(ReadOnlySpan<float> source, Span<byte> destination)
    {
        ref float s = ref MemoryMarshal.GetReference(source);
        ref byte d = ref MemoryMarshal.GetReference(destination);
        nuint n = (nuint)source.Length;
        for (nuint i = 0; i + 16 <= n; i += 16)
        {
            LaneLoad.Store16x16(ref Unsafe.Add(ref d, i * 2), HalfLanes.SingleToF16(Vector512.LoadUnsafe(ref s, i)));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void NewNarrow256(ReadOnlySpan<float> source, Span<byte> destination)
    {
        ref float s = ref MemoryMarshal.GetReference(source);
        ref byte d = ref MemoryMarshal.GetReference(destination);
        nuint n = (nuint)source.Length;
        for (nuint i = 0; i + 8 <= n; i += 8)
        {
            LaneLoad.Store8x16(ref Unsafe.Add(ref d, i * 2), HalfLanes.SingleToF16(Vector256.LoadUnsafe(ref s, i)));
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
