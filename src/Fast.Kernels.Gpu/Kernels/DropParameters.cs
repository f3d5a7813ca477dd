using System.Runtime.InteropServices;

namespace Fast.Kernels.Gpu.Kernels;

/// <summary>
/// DARE's drop for one operand on the device (<see cref="Fast.Kernels.Methods.DareMask"/>): the element index of the
/// piece's first element, the Philox key (seed, tensor name hash), the operand (counter word 2), the keep limit and the
/// rescale divisor. <see cref="Limit"/> is <c>ceil(density·2²⁴)</c>: for the 24-bit integer <c>u</c>,
/// <c>u &lt; density·2²⁴</c> exactly when <c>u &lt; ceil(density·2²⁴)</c>, so the device compares integers only.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct DropParameters(long start, uint seed, uint nameHash, uint operand, uint limit, float scale)
{
    public readonly long Start = start;
    public readonly uint Seed = seed;
    public readonly uint NameHash = nameHash;
    public readonly uint Operand = operand;
    public readonly uint Limit = limit;
    public readonly float Scale = scale;
}
