using Fast.Merging.Synthesis;
using Fast.SafeTensors;

namespace Fast.Merging.Tests.Doctor;

/// <summary>One tensor of a test checkpoint, held in memory so a test can damage it before it is written.</summary>
internal sealed record TestTensor(string Name, DType DType, long[] Shape, byte[] Data);

/// <summary>Small synthetic checkpoints (real SD key names at 1/32 scale) that tests edit and write.</summary>
internal static class TestCheckpoint
{
    public const int Scale = 32;

    public static List<TestTensor> Create(bool ema = false, bool junk = false, ulong seed = 1, string dtype = "F16")
    {
        SynthesisPlan plan = CheckpointSynthesizer.Plan(new SynthesisOptions
        {
            Architecture = Fast.Merging.Architectures.ArchitectureId.Sd1,
            Scale = Scale,
            DType = dtype,
            IncludeEma = ema,
            IncludeJunk = junk,
            Seed = seed,
        });
        var tensors = new List<TestTensor>();
        foreach (SynthesizedTensor t in plan.Tensors)
        {
            var data = new byte[t.ByteSize];
            plan.Fill(t, 0, data);
            Assert.True(DTypeInfo.TryParse(t.DType, out DType parsed));
            tensors.Add(new TestTensor(t.Name, parsed, [.. t.Shape], data));
        }

        return tensors;
    }

    public static string Write(string path, IEnumerable<TestTensor> tensors)
    {
        var list = tensors.ToList();
        using (SafeTensorsWriter writer = SafeTensorsWriter.Create(path, list.Select(t => new TensorSpec(t.Name, t.DType, t.Shape)), [new("format", "pt")]))
        {
            foreach (TestTensor t in list)
            {
                writer.Write(t.Name, 0, t.Data);
            }

            writer.Commit();
        }

        return path;
    }

    /// <summary>Every tensor of a file with its bytes, by name.</summary>
    public static Dictionary<string, TestTensor> Read(string path)
    {
        using SafeTensorsFile file = SafeTensorsFile.Open(path);
        var result = new Dictionary<string, TestTensor>(StringComparer.Ordinal);
        foreach (TensorInfo t in file.Tensors)
        {
            var data = new byte[t.ByteLength];
            file.CopyTo(t, 0, data);
            result.Add(t.Name, new TestTensor(t.Name, t.DType, [.. t.Shape], data));
        }

        return result;
    }

    public static TestTensor Replace(List<TestTensor> tensors, string name, Func<TestTensor, TestTensor> change)
    {
        int i = tensors.FindIndex(t => t.Name == name);
        Assert.True(i >= 0, name);
        tensors[i] = change(tensors[i]);
        return tensors[i];
    }
}
