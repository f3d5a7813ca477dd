using Fast.Kernels.Tests.Support;
using Xunit;

namespace Fast.Kernels.Tests.Reduction;

/// <summary>native-compat/reference/goldens/extract_f32.safetensors, written by golden_extract.py from torch 1.13.</summary>
internal static class ExtractGolden
{
    private static readonly Lazy<TinySafeTensors> s_file = new(() =>
        new TinySafeTensors(Path.Combine(RepoPaths.Root(), "native-compat", "reference", "goldens", "extract_f32.safetensors")));

    /// <summary>Every tensor name in the file.</summary>
    public static IEnumerable<string> Names => s_file.Value.Names;

    /// <summary>The f32 tensor <paramref name="name"/>'s values.</summary>
    public static float[] Floats(string name)
    {
        var (type, bytes) = s_file.Value.Get(name);
        Assert.Equal(ElementType.F32, type);
        var values = new float[bytes.Length / sizeof(float)];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }
}
