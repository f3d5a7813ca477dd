using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Fast.Kernels;

/// <summary>A row's stored values as its own terms (a plain column sum), so stored rows and computed terms share one dispatch.</summary>
internal readonly ref struct RowValues(ReadOnlySpan<float> row) : IRowTerms
{
    private readonly ReadOnlySpan<float> _row = row;

    public int Length => _row.Length;

    public float Scalar(int index) => _row[index];

    public Vector256<float> Vector(int index) =>
        Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(_row.Slice(index, Vector256<float>.Count)));
}
