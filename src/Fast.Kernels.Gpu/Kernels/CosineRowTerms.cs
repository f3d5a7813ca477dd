using ILGPU;

namespace Fast.Kernels.Gpu.Kernels;

/// <summary>torch's <c>pow(x, 2)</c> over a row: each square rounded to f32.</summary>
internal readonly struct SquareTerms<TMath> : IRowTerms
    where TMath : struct, IStrictMath
{
    private readonly ArrayView<float> _row;

    public SquareTerms(ArrayView<float> row) => _row = row;

    public float Term(int index)
    {
        float value = _row[index];
        return default(TMath).Mul(value, value);
    }
}

/// <summary>torch's <c>(x / sx) * (y / sy)</c> over a row pair: two quotients and their product, each rounded to f32.</summary>
internal readonly struct NormalizedProductTerms<TMath> : IRowTerms
    where TMath : struct, IStrictMath
{
    private readonly ArrayView<float> _x;
    private readonly ArrayView<float> _y;
    private readonly float _sx;
    private readonly float _sy;

    public NormalizedProductTerms(ArrayView<float> x, float sx, ArrayView<float> y, float sy)
    {
        _x = x;
        _y = y;
        _sx = sx;
        _sy = sy;
    }

    public float Term(int index) => default(TMath).Mul(_x[index] / _sx, _y[index] / _sy);
}
