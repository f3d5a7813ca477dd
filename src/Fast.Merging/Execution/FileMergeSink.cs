using Fast.Merging.Planning;
using Fast.SafeTensors;

namespace Fast.Merging.Execution;

/// <summary>A safetensors file written under a temporary name and renamed into place on <see cref="Complete"/>.</summary>
internal sealed class FileMergeSink(SafeTensorsWriter writer) : IMergeSink
{
    public static FileMergeSink Create(MergePlan plan, string path, bool overwrite, bool flushToDisk)
    {
        var specs = plan.Tensors.Select(t => new TensorSpec(t.Name, t.OutputDType, t.Shape)).ToList();
        return new FileMergeSink(SafeTensorsWriter.Create(path, specs, plan.Metadata, overwrite, flushToDisk));
    }

    public void Write(PlannedTensor tensor, long byteOffset, ReadOnlySpan<byte> data) => writer.Write(writer[tensor.Name], byteOffset, data);

    public void Complete() => writer.Commit();

    public void Dispose() => writer.Dispose();
}
