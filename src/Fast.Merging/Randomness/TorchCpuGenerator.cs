namespace Fast.Merging.Randomness;

/// <summary>
/// torch 1.13's default CPU generator (<c>CPUGeneratorImpl</c>): MT19937 plus the cached second sample of the double
/// Box–Muller draw, which <c>normal_distribution&lt;double&gt;</c> keeps across calls (a tensor of fewer than 16 elements
/// can take the sample the previous small tensor left). <c>torch.manual_seed</c> clears that cache.
/// </summary>
public sealed class TorchCpuGenerator
{
    private TorchCpuGenerator(TorchMersenneTwister engine, double? nextNormal)
    {
        Engine = engine;
        NextDoubleNormal = nextNormal;
    }

    /// <summary>The generator after <c>torch.manual_seed(<paramref name="seed"/>)</c>.</summary>
    public TorchCpuGenerator(uint seed)
        : this(new TorchMersenneTwister(seed), null)
    {
    }

    /// <summary>The MT19937 stream.</summary>
    public TorchMersenneTwister Engine { get; }

    /// <summary>The cached second sample of the last double normal draw, if unused.</summary>
    public double? NextDoubleNormal { get; set; }

    /// <summary>An independent copy at the same point of the stream.</summary>
    public TorchCpuGenerator Clone() => new(Engine.Clone(), NextDoubleNormal);

    /// <summary><c>at::normal_distribution&lt;double&gt;(0, 1)</c>: the cached sample, else a fresh Box–Muller pair.</summary>
    public double NextStandardNormal()
    {
        if (NextDoubleNormal is double cached)
        {
            NextDoubleNormal = null;
            return (cached * 1.0) + 0.0;
        }

        double u1 = UniformDouble(Engine.NextUInt64());
        double u2 = UniformDouble(Engine.NextUInt64());
        double r = Math.Sqrt(-2.0 * Math.Log(1.0 - u2));
        double theta = 2.0 * Math.PI * u1;
        NextDoubleNormal = r * Math.Sin(theta);
        return (r * Math.Cos(theta) * 1.0) + 0.0;
    }

    /// <summary><c>uniform_real_distribution&lt;double&gt;(0, 1)</c>: the low 53 bits of <c>random64()</c> over 2^53.</summary>
    private static double UniformDouble(ulong bits) => (bits & ((1UL << 53) - 1)) * (1.0 / (1UL << 53));
}
