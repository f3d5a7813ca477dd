using System.Globalization;
using Fast.Kernels.Tests.Support;
using Xunit;

namespace Fast.Kernels.Tests.Merge;

/// <summary>
/// Bit-identical to torch 1.13 (native-compat/reference/golden_arith.py): weighted sum, add difference, triple
/// sum, sum twice, scaled sum and trainDifference on fp16, bf16 and fp32 tensors with special values.
/// </summary>
[Trait("Isa", "Core")]
public class GoldenArithTests
{
    public static TheoryData<string> Files => new() { "arith_f16", "arith_bf16", "arith_f32" };

    [Theory]
    [MemberData(nameof(Files))]
    public void Stored_kernels_match_torch(string file)
    {
        var golden = new TinySafeTensors(Path.Combine(RepoPaths.Root(), "native-compat", "reference", "goldens", file + ".safetensors"));
        var (t, a) = golden.Get("A");
        var (_, b) = golden.Get("B");
        var (_, c) = golden.Get("C");
        int checkedCases = 0;
        foreach (string name in golden.Names.Where(n => n.Contains('|', StringComparison.Ordinal)))
        {
            string[] parts = name.Split('|');
            double alpha = double.Parse(parts[1], CultureInfo.InvariantCulture);
            double beta = parts.Length > 2 ? double.Parse(parts[2], CultureInfo.InvariantCulture) : 0;
            var actual = new byte[a.Length];
            switch (parts[0])
            {
                case "ws": MergeKernels.Lerp(a, t, b, t, (float)alpha, actual, t); break;
                case "ad": MergeKernels.AddDifference(a, t, b, t, c, t, (float)alpha, actual, t); break;
                case "ts": MergeKernels.TripleSum(a, t, b, t, c, t, alpha, beta, actual, t); break;
                case "st": MergeKernels.SumTwice(a, t, b, t, c, t, (float)alpha, (float)beta, actual, t); break;
                case "ss": MergeKernels.ScaledSum(a, t, b, t, (float)alpha, (float)beta, actual, t); break;
                case "td": MergeKernels.TrainDifference(a, t, b, t, c, t, alpha, actual, t); break;
                default: throw new InvalidDataException(name);
            }

            Bits.AssertSameStored(golden.Get(name).Bytes, actual, t, $"{file} {name}");
            checkedCases++;
        }

        Assert.True(checkedCases >= 100, $"only {checkedCases} golden cases found");
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Span_kernels_match_torch(string file)
    {
        var golden = new TinySafeTensors(Path.Combine(RepoPaths.Root(), "native-compat", "reference", "goldens", file + ".safetensors"));
        var (t, a) = golden.Get("A");
        float[] af = Widen(a, t);
        float[] bf = Widen(golden.Get("B").Bytes, t);
        float[] cf = Widen(golden.Get("C").Bytes, t);
        foreach (string name in golden.Names.Where(n => n.StartsWith("ws|", StringComparison.Ordinal) || n.StartsWith("ad|", StringComparison.Ordinal)))
        {
            float alpha = float.Parse(name[3..], CultureInfo.InvariantCulture);
            var result = new float[af.Length];
            if (name[0] == 'w')
            {
                MergeKernels.Lerp(af, bf, alpha, result);
            }
            else
            {
                MergeKernels.AddDifference(af, bf, cf, t, alpha, result);
            }

            var stored = new byte[a.Length];
            ElementConvert.Narrow(result, stored, t);
            Bits.AssertSameStored(golden.Get(name).Bytes, stored, t, $"{file} {name} (f32 spans)");
        }
    }

    private static float[] Widen(byte[] bytes, ElementType type)
    {
        var values = new float[bytes.Length / ElementTypeInfo.SizeOf(type)];
        ElementConvert.Widen(bytes, type, values);
        return values;
    }
}
