namespace Fast.Merging.Lora.Extract;

/// <summary>What <see cref="LoraExtractor.Extract"/> wrote.</summary>
/// <param name="OutputPath">The LoRA file.</param>
/// <param name="Modules">Modules written.</param>
/// <param name="TextEncoderIncluded">Whether the text encoders differed enough to be extracted.</param>
public sealed record LoraExtractResult(string OutputPath, int Modules, bool TextEncoderIncluded);
