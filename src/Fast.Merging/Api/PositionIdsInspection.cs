using Fast.Merging.Execution;
using Fast.Merging.PositionIds;
using Fast.SafeTensors;

namespace Fast.Merging.Api;

/// <summary>Runs the SPEC §7 check on every CLIP position-ids key of an opened file.</summary>
internal static class PositionIdsInspection
{
    public static Dictionary<string, PositionIdsReport> Check(SafeTensorsFile file)
    {
        var reports = new Dictionary<string, PositionIdsReport>(StringComparer.Ordinal);
        foreach (TensorInfo t in file.Tensors.Where(t => PositionIdsKeys.IsPositionIds(t.Name)))
        {
            if (!PositionIdsValues.CanRead(t.DType) || t.ElementCount > 1_000_000)
            {
                continue;
            }

            string dtype = DTypeInfo.ToJsonName(t.DType);
            if (t.DType == DType.I64)
            {
                byte[] raw = new byte[t.ByteLength];
                file.CopyTo(t, 0, raw);
                reports[t.Name] = PositionIdsChecker.Check(dtype, t.Shape, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(raw));
            }
            else if (t.DType == DType.F64)
            {
                byte[] raw = new byte[t.ByteLength];
                file.CopyTo(t, 0, raw);
                reports[t.Name] = PositionIdsChecker.Check(dtype, t.Shape, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(raw));
            }
            else
            {
                // f16/bf16/f32/fp8 values and small integers are exact in f32, hence in double.
                float[] values = PositionIdsValues.Read(file, t);
                reports[t.Name] = PositionIdsChecker.Check(dtype, t.Shape, Array.ConvertAll(values, v => (double)v));
            }
        }

        return reports;
    }
}
