namespace Fast.Merging.Synthesis;

/// <summary>What kind of values a synthesized tensor holds, so the file looks like a trained model to its readers.</summary>
public enum SyntheticContent
{
    /// <summary>Seeded noise, roughly N(0, 0.02²): linear and conv weights, biases, embeddings.</summary>
    Noise,

    /// <summary>1 + seeded noise: the scales of group and layer norms (every 1-D <c>.weight</c> in SD).</summary>
    NormScale,

    /// <summary>int64 <c>[[0 .. n-1]]</c>: CLIP position ids.</summary>
    PositionIds,

    /// <summary>ln(100), CLIP's trained logit scale.</summary>
    LogitScale,

    /// <summary>The EMA decay, 0.9999.</summary>
    EmaDecay,

    /// <summary>The EMA update counter, an int32 zero.</summary>
    EmaNumUpdates,

    /// <summary>A diffusion schedule buffer, computed from LDM's linear β schedule.</summary>
    ScheduleBuffer,
}
