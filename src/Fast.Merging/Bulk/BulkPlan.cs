namespace Fast.Merging.Bulk;

/// <summary>The variants of a bulk run in their deterministic order (PLAN file order, or sweep expansion order).</summary>
/// <param name="Variants">The variants; <see cref="BulkVariant.Index"/> is unique within the plan.</param>
public sealed record BulkPlan(IReadOnlyList<BulkVariant> Variants)
{
    /// <summary>
    /// Shard <paramref name="index"/> of <paramref name="count"/> (1-based): the variants whose
    /// <see cref="BulkVariant.Index"/> mod <paramref name="count"/> is <paramref name="index"/> − 1. The shards of
    /// one plan are disjoint and together are the whole plan, so an array job can run one shard per task.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not 1 ≤ <paramref name="index"/> ≤ <paramref name="count"/>.</exception>
    public BulkPlan Shard(int index, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(index, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, count);
        return new BulkPlan([.. Variants.Where(v => v.Index % count == index - 1)]);
    }
}
