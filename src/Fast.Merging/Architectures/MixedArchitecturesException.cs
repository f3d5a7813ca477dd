namespace Fast.Merging.Architectures;

/// <summary>Two models of different families were given where one family is needed: "A is SD1.x, B is SDXL base".</summary>
public sealed class MixedArchitecturesException : MergingException
{
    /// <summary>Creates the exception with its one-line, user-facing message.</summary>
    public MixedArchitecturesException(string message)
        : base(message)
    {
    }

    /// <summary>
    /// Throws when <paramref name="a"/> and <paramref name="b"/> are both recognised and of different families. Variants
    /// of one UNet (inpainting, instruct-pix2pix, depth beside the plain model; Flux dev and schnell) are one family:
    /// they differ in a few input channels, which the caller reports key by key.
    /// </summary>
    /// <param name="nameA">How the message names the first model (<c>A</c>).</param>
    /// <param name="a">Its recognition.</param>
    /// <param name="nameB">How the message names the second model (<c>B</c>).</param>
    /// <param name="b">Its recognition.</param>
    /// <param name="what">What cannot be done, for the message's end (e.g. <c>they cannot be compared block by block</c>).</param>
    public static void ThrowIfMixed(string nameA, ArchitectureRecognition a, string nameB, ArchitectureRecognition b, string what)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Architecture is { } archA && b.Architecture is { } archB && Family(archA.Id) != Family(archB.Id))
        {
            throw new MixedArchitecturesException($"{nameA} is {archA.Name}, {nameB} is {archB.Name}: {what}");
        }
    }

    private static ArchitectureId Family(ArchitectureId id) => id switch
    {
        ArchitectureId.Sd1Inpainting or ArchitectureId.Sd1InstructPix2Pix => ArchitectureId.Sd1,
        ArchitectureId.Sd2Inpainting or ArchitectureId.Sd2Depth => ArchitectureId.Sd2,
        ArchitectureId.Flux1Schnell => ArchitectureId.Flux1Dev,
        _ => id,
    };
}
