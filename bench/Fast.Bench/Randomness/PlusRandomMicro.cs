using System.Runtime.InteropServices;
using Fast.Kernels;
using Fast.Merging.Randomness;

namespace Fast.Bench.Randomness;

/// <summary>
/// Calcmode plus random's parts on one thread against fp16 weighted sum, per million F16 elements, interleaved call by
/// call (best of many rounds, so a machine loaded by other work slows every row alike):
/// <c>dotnet Fast.Bench.dll plusrandom-micro [SECONDS]</c>. The tensor is 4 Mi elements (8 MiB per F16 operand, past
/// the caches as a real merge's tensors are), walked in the 4096-element pieces TensorOperations.AddNoiseRange uses:
/// "plus random" is that loop (TorchRandn.FillRange then DtypeStepKernels.AddScaled per piece); "mt19937" the raw
/// 32-bit draws alone; "draw" FillRange alone (the draws and the table Box–Muller); the two "Box–Muller step" rows the
/// table transform alone by each vector path (the AVX-512 row 0 without AVX-512); "add" AddScaled alone on one
/// fixed noise piece; "weighted sum" MergeKernels.WeightedSum of two F16 tensors (α 0.3), the target's unit.
/// </summary>
internal static class PlusRandomMicro
{
    private const int Elements = 4 * 1024 * 1024;
    private const int Piece = 4096;

    public static void Run(double seconds)
    {
        byte[] a = Fp16(1), b = Fp16(2), destination = new byte[Elements * 2];
        float[] noise = new float[Piece];
        uint[] draws = new uint[Piece];
        float[] raw = new float[Piece];
        new TorchCpuGenerator(3).Engine.Fill(MemoryMarshal.Cast<float, uint>(raw.AsSpan()));
        TorchRandn.FillRange(new TorchCpuGenerator(3), ElementType.F16, Elements, 0, noise);
        (string Name, Action Action)[] rows =
        [
            ("plus random (draw + add)", () => PlusRandom(a, destination, noise, draw: true, add: true)),
            ("mt19937 draws only", () => Twister(draws)),
            ("draw (FillRange F16)", () => PlusRandom(a, destination, noise, draw: true, add: false)),
            ("add (AddScaled F16, f32 noise)", () => PlusRandom(a, destination, noise, draw: false, add: true)),
            ("Box–Muller step, AVX2 gathers (+ copy of the draws)", () => TableStep(raw, noise, BoxMullerPath.Gather256)),
            ("Box–Muller step, AVX-512 staged (+ copy of the draws)", () => TableStep(raw, noise, BoxMullerPath.Staged512)),
            ("weighted sum F16", () => MergeKernels.WeightedSum(a, ElementType.F16, b, ElementType.F16, 0.3, destination, ElementType.F16)),
        ];
        double[] best = InterleavedTiming.Best(rows.Select(r => r.Action).ToArray(), seconds, minRounds: 5);
        double unit = best[^1];
        Console.WriteLine($"| {Environment.ProcessorCount} logical CPUs, 1 thread, {Elements} F16 elements | ms per M elements (best) | / weighted sum |");
        Console.WriteLine("|---|---|---|");
        for (int i = 0; i < rows.Length; i++)
        {
            Console.WriteLine($"| {rows[i].Name} | {best[i] * 1e3 / (Elements / 1e6):F3} | {best[i] / unit:F2} |");
        }
    }

    private static void PlusRandom(byte[] a, byte[] destination, float[] noise, bool draw, bool add)
    {
        var generator = new TorchCpuGenerator(1);
        for (int start = 0; start < Elements; start += Piece)
        {
            if (draw)
            {
                TorchRandn.FillRange(generator, ElementType.F16, Elements, start, noise);
            }

            if (add)
            {
                DtypeStepKernels.AddScaled(a.AsSpan(start * 2, Piece * 2), ElementType.F16, noise, 0.01, destination.AsSpan(start * 2, Piece * 2), ElementType.F16);
            }
        }
    }

    /// <summary>The table transform alone by one path, on one piece of raw draws copied in each time (it works in place).</summary>
    private static void TableStep(float[] raw, float[] noise, BoxMullerPath path)
    {
        if (path == BoxMullerPath.Staged512 && BoxMullerTransform.FastestPath != BoxMullerPath.Staged512)
        {
            return;
        }

        BoxMullerTable table = BoxMullerTable.For(ElementType.F16);
        for (int start = 0; start < Elements; start += Piece)
        {
            raw.CopyTo(noise, 0);
            BoxMullerTransform.FromTable(noise, table, ElementType.F16, path);
        }
    }

    private static void Twister(uint[] draws)
    {
        var generator = new TorchCpuGenerator(1);
        for (int start = 0; start < Elements; start += Piece)
        {
            generator.Engine.Fill(draws);
        }
    }

    /// <summary>Weights-like F16 values: normal, |x| up to 0.1.</summary>
    private static byte[] Fp16(int seed)
    {
        var random = new Random(seed);
        var bytes = new byte[Elements * 2];
        Span<ushort> halves = MemoryMarshal.Cast<byte, ushort>(bytes.AsSpan());
        for (int i = 0; i < Elements; i++)
        {
            halves[i] = BitConverter.HalfToUInt16Bits((Half)((random.NextDouble() - 0.5) * 0.2));
        }

        return bytes;
    }
}
