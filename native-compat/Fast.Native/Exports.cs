using System.Reflection;
using System.Runtime.InteropServices;

namespace Fast.Native;

/// <summary>
/// The C entry points declared in <c>native-compat/include/fastmerge.h</c>. Each is a thin shell: argument
/// marshalling and <see cref="NativeCall.Run"/>; the work lives in the request types.
/// </summary>
internal static unsafe class Exports
{
    // The informational version carries "+<commit>" from SourceLink; the ABI reports the plain release version.
    private static readonly byte[] s_version = NativeStrings.Pinned(
        (typeof(Exports).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown").Split('+')[0]);

    [UnmanagedCallersOnly(EntryPoint = "fm_version")]
    public static byte* Version() => NativeStrings.AddressOf(s_version);

    [UnmanagedCallersOnly(EntryPoint = "fm_last_error")]
    public static byte* LastErrorMessage() => LastError.Pointer;

    [UnmanagedCallersOnly(EntryPoint = "fm_free")]
    public static void Free(void* memory) => NativeMemory.Free(memory);
}
