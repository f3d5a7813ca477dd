namespace Fast.Merging.Doctor;

/// <summary>A tensor holding NaN or infinite values.</summary>
/// <param name="Key">Its key.</param>
/// <param name="DType">Its stored dtype.</param>
/// <param name="Count">How many of its elements are NaN and how many infinite.</param>
public sealed record NonFiniteTensor(string Key, string DType, NonFiniteCount Count);
