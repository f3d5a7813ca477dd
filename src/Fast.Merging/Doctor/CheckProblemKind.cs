namespace Fast.Merging.Doctor;

/// <summary>The kinds of problem <c>check</c> reports; their JSON names are the snake_case of these.</summary>
public enum CheckProblemKind
{
    /// <summary>No known architecture matches the keys.</summary>
    UnknownArchitecture,

    /// <summary>A required component lacks keys.</summary>
    MissingKeys,

    /// <summary>A component's key has an unexpected shape.</summary>
    ShapeMismatch,

    /// <summary>A CLIP position-ids tensor is not int64 <c>[[0..n-1]]</c>.</summary>
    PositionIds,

    /// <summary>Keys no loader uses.</summary>
    Junk,

    /// <summary>The file carries the EMA copy of the UNet, which inference does not use.</summary>
    Ema,

    /// <summary>Tensors stored in float64, twice the size of fp32 for no benefit.</summary>
    Fp64,

    /// <summary>Tensors holding NaN or infinite values.</summary>
    NonFinite,

    /// <summary>The text encoder uses NAI-style key names (<c>cond_stage_model.transformer.*</c> without <c>text_model.</c>).</summary>
    NaiClipKeys,
}
