namespace Fast.Merging.Lora;

/// <summary>Who wrote a LoRA module, which decides its key names and its maths.</summary>
public enum LoraFamily
{
    /// <summary>Not a LoRA part by itself (an <c>alpha</c>).</summary>
    None,
    /// <summary>kohya-ss sd-scripts: <c>lora_down</c>/<c>lora_up</c>/<c>alpha</c>; LoCon when on convolutions.</summary>
    Kohya,
    /// <summary>PEFT / diffusers <c>lora_A</c>/<c>lora_B</c>.</summary>
    Peft,
    /// <summary>diffusers attention-processor LoRA: <c>lora.down</c>/<c>lora.up</c>.</summary>
    Diffusers,
    /// <summary>LyCORIS LoHa (Hadamard product of two low-rank pairs).</summary>
    LoHa,
    /// <summary>LyCORIS LoKr (Kronecker product).</summary>
    LoKr,
    /// <summary>LyCORIS full difference (<c>diff</c>).</summary>
    Full,
    /// <summary>LyCORIS norm layer weights (<c>w_norm</c>/<c>b_norm</c>).</summary>
    Norm,
}
