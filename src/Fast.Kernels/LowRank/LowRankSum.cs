namespace Fast.Kernels.LowRank;

/// <summary>How <see cref="LowRankUpdate"/> accumulates a dot product (both in <c>k</c> order from 0).</summary>
public enum LowRankSum
{
    /// <summary><c>acc = acc + a·b</c>, product and sum each rounded: torch's CPU matmul.</summary>
    Rounded,

    /// <summary><c>acc = fma(a, b, acc)</c>, one rounding per step: torch's oneDNN convolution.</summary>
    Fused,
}
