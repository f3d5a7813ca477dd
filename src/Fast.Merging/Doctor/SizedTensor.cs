namespace Fast.Merging.Doctor;

/// <summary>A tensor named in a check report, with its size.</summary>
/// <param name="Key">Its key.</param>
/// <param name="DType">Its stored dtype.</param>
/// <param name="Elements">Its element count.</param>
/// <param name="Bytes">Its byte size.</param>
public sealed record SizedTensor(string Key, string DType, long Elements, long Bytes);
