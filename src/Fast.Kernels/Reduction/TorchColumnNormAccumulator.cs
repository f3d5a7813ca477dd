using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Fast.Kernels;

/// <summary>
/// <see cref="TorchColumnReductions.Norm"/> fed one row at a time: torch 1.13's <c>x.norm(2, dim=0)</c> of a
/// [rows, columns] f32 tensor with 2 or more columns, <c>acc = fma(x, x, acc)</c> per column row after row from +0,
/// then <c>sqrt</c>; the same bits as the whole-tensor method (its tests' oracle).
/// </summary>
public sealed class TorchColumnNormAccumulator
{
    private readonly float[] _squares;

    /// <summary>Norms of <paramref name="columns"/> columns (2 or more: one column is <see cref="TorchVectorReductions.Norm"/>'s order).</summary>
    public TorchColumnNormAccumulator(int columns)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 2);
        _squares = new float[columns];
    }

    /// <summary>Adds the next row.</summary>
    /// <exception cref="ArgumentException">The row has the wrong length.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddRow(ReadOnlySpan<float> row)
    {
        Guard.SameLength(_squares.Length, row.Length, nameof(row));
        ref float acc = ref MemoryMarshal.GetReference(_squares.AsSpan());
        ref float values = ref MemoryMarshal.GetReference(row);
        int j = 0;
        for (; j + Vector256<float>.Count <= row.Length; j += Vector256<float>.Count)
        {
            Vector256<float> v = Vector256.LoadUnsafe(ref values, (nuint)j);
            Vector256.FusedMultiplyAdd(v, v, Vector256.LoadUnsafe(ref acc, (nuint)j)).StoreUnsafe(ref acc, (nuint)j);
        }

        for (; j < row.Length; j++)
        {
            _squares[j] = MathF.FusedMultiplyAdd(row[j], row[j], _squares[j]);
        }
    }

    /// <summary>Writes each column's norm.</summary>
    public void Result(Span<float> result)
    {
        Guard.SameLength(_squares.Length, result.Length, nameof(result));
        for (int j = 0; j < result.Length; j++)
        {
            result[j] = MathF.Sqrt(_squares[j]);
        }
    }
}
