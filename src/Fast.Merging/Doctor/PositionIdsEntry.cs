using Fast.Merging.PositionIds;

namespace Fast.Merging.Doctor;

/// <summary>The SPEC §7 report of one CLIP position-ids key.</summary>
/// <param name="Key">The key.</param>
/// <param name="Report">Dtype, exactness, corrupt, missing and drifting indexes.</param>
public sealed record PositionIdsEntry(string Key, PositionIdsReport Report);
