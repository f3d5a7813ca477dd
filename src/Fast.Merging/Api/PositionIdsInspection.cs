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
            // A tensor the merge could not read as numbers is not reported before/after (the doctor reports it).
            if (PositionIds.PositionIdsDTypes.CanRead(t.DType) && t.ElementCount <= 1_000_000)
            {
                reports[t.Name] = PositionIdsFileCheck.Check(file, t);
            }
        }

        return reports;
    }
}
