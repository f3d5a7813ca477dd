using System.Buffers.Binary;

namespace Fast.SafeTensors.Tests;

/// <summary>Valid files in the writer's canonical layout, built in memory with deterministic data.</summary>
internal static class CanonicalFiles
{
    public static readonly TensorSpec[] MixedSpecs =
    [
        new("model.diffusion_model.input_blocks.0.0.weight", DType.F16, [4, 3, 3, 3]),
        new("model.diffusion_model.input_blocks.0.0.bias", DType.F32, [4]),
        new("cond_stage_model.transformer.text_model.embeddings.position_ids", DType.I64, [1, 7]),
        new("logit_scale", DType.F32, []),
        new("empty", DType.BF16, [0, 5]),
        new("mask", DType.BOOL, [3, 2]),
        new("q8", DType.F8_E4M3, [5]),
        new("quant.u8", DType.U8, [2, 2]),
        new("packed4", DType.F4, [6]),
        new("packed6", DType.F6_E2M3, [4]),
        new("zz.double", DType.F64, [2]),
        new("naïve \"quoted\" \\ \n tab\t ✓", DType.I16, [3]),
        new("c", DType.C64, [1]),
    ];

    public static readonly KeyValuePair<string, string>[] MixedMetadata =
    [
        new("format", "pt"),
        new("recipe", "{\"mode\":\"ws\",\"alpha\":0.5}"),
        new("ünïcode\u0001", "line\nbreak"),
    ];

    /// <summary>The full file bytes for <paramref name="specs"/>, tensor bytes filled from <paramref name="seed"/>.</summary>
    public static byte[] Build(IEnumerable<TensorSpec> specs, IReadOnlyList<KeyValuePair<string, string>>? metadata = null, int seed = 1)
    {
        TensorInfo[] layout = TensorLayoutPlanner.Plan(specs);
        byte[] header = HeaderJsonWriter.Build(layout, metadata ?? []);
        long dataLength = layout.Length == 0 ? 0 : layout[^1].DataEnd;
        var bytes = new byte[8 + header.Length + dataLength];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        new Random(seed).NextBytes(bytes.AsSpan(8 + header.Length));
        return bytes;
    }

    public static byte[] Mixed(int seed = 1) => Build(MixedSpecs, MixedMetadata, seed);

    /// <summary>A file shaped like a small slice of an SD checkpoint, from the shared key lists when present.</summary>
    public static byte[] SdSlice(int tensorCount, int seed)
    {
        var random = new Random(seed);
        var specs = new List<TensorSpec>();
        for (int i = 0; i < tensorCount; i++)
        {
            DType dtype = random.Next(4) switch { 0 => DType.F16, 1 => DType.F32, 2 => DType.BF16, _ => DType.I64 };
            long[] shape = random.Next(3) switch
            {
                0 => [random.Next(1, 9)],
                1 => [random.Next(1, 5), random.Next(1, 5)],
                _ => [random.Next(1, 3), random.Next(1, 3), 3, 3],
            };
            specs.Add(new TensorSpec($"model.diffusion_model.input_blocks.{i}.0.weight", dtype, shape));
        }

        return Build(specs, random.Next(2) == 0 ? [] : [new("format", "pt")], seed);
    }
}
