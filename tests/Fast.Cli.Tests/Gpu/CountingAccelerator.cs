using Fast.Kernels;
using Fast.Merging;
using Fast.Merging.Methods;

namespace Fast.Cli.Tests.Gpu;

/// <summary>
/// Forwards every operation to <paramref name="inner"/> and reports each call, so a test can see the device was used
/// (and, with <paramref name="disposed"/>, that it was closed).
/// </summary>
internal sealed class CountingAccelerator(IMergeAccelerator inner, Action called, Action? disposed = null) : IMergeAccelerator
{
    public string Name => inner.Name;

    public void Merge(
        MergeMode mode,
        ReadOnlySpan<byte> a, ElementType typeA,
        ReadOnlySpan<byte> b, ElementType typeB,
        ReadOnlySpan<byte> c, ElementType typeC,
        double alpha, double beta,
        Span<byte> destination, ElementType destinationType)
    {
        called();
        inner.Merge(mode, a, typeA, b, typeB, c, typeC, alpha, beta, destination, destinationType);
    }

    public void TrainDifference(
        ReadOnlySpan<byte> a, ElementType typeA,
        ReadOnlySpan<byte> b, ElementType typeB,
        ReadOnlySpan<byte> c, ElementType typeC,
        double alpha,
        Span<byte> destination, ElementType destinationType)
    {
        called();
        inner.TrainDifference(a, typeA, b, typeB, c, typeC, alpha, destination, destinationType);
    }

    public void SmoothAdd(
        ReadOnlySpan<byte> a, ElementType typeA,
        ReadOnlySpan<byte> b, ElementType typeB,
        ReadOnlySpan<byte> c, ElementType typeC,
        float alpha, ReadOnlySpan<int> shape,
        Span<byte> destination, ElementType destinationType)
    {
        called();
        inner.SmoothAdd(a, typeA, b, typeB, c, typeC, alpha, shape, destination, destinationType);
    }

    public float CosineSimilarity(
        bool normalizeFirst,
        ReadOnlySpan<byte> a, ElementType typeA,
        ReadOnlySpan<byte> b, ElementType typeB,
        ReadOnlySpan<byte> c, ElementType typeC,
        Span<float> similarity)
    {
        called();
        return inner.CosineSimilarity(normalizeFirst, a, typeA, b, typeB, c, typeC, similarity);
    }

    public void CosineLerp(
        ReadOnlySpan<byte> a, ElementType typeA,
        ReadOnlySpan<byte> b, ElementType typeB,
        ReadOnlySpan<byte> c, ElementType typeC,
        ReadOnlySpan<float> weights,
        Span<byte> destination, ElementType destinationType)
    {
        called();
        inner.CosineLerp(a, typeA, b, typeB, c, typeC, weights, destination, destinationType);
    }

    public void Extract(
        ReadOnlySpan<byte> a, ElementType typeA,
        ReadOnlySpan<byte> b, ElementType typeB,
        ReadOnlySpan<byte> c, ElementType typeC,
        double alpha, double beta, double gamma, int columns,
        Span<byte> destination, ElementType destinationType)
    {
        called();
        inner.Extract(a, typeA, b, typeB, c, typeC, alpha, beta, gamma, columns, destination, destinationType);
    }

    public void Dispose()
    {
        disposed?.Invoke();
        inner.Dispose();
    }
}
