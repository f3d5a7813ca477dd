using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Fast.Native;

/// <summary>UTF-8 strings across the C ABI: reading the caller's, and handing out ours.</summary>
internal static unsafe class NativeStrings
{
    /// <summary>
    /// A NUL-terminated UTF-8 copy on the pinned object heap: its address never moves, so a <c>const char*</c> into
    /// it stays valid for as long as the array is referenced, and no native allocation is left to free.
    /// </summary>
    public static byte[] Pinned(string value)
    {
        int length = Encoding.UTF8.GetByteCount(value);
        byte[] bytes = GC.AllocateUninitializedArray<byte>(length + 1, pinned: true);
        Encoding.UTF8.GetBytes(value, bytes);
        bytes[length] = 0;
        return bytes;
    }

    /// <summary>The address of a <see cref="Pinned"/> array's first byte.</summary>
    public static byte* AddressOf(byte[] pinned) => (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));

    /// <summary>A malloc'd NUL-terminated UTF-8 copy that the caller releases with <c>fm_free</c>.</summary>
    public static byte* Allocate(string value)
    {
        int length = Encoding.UTF8.GetByteCount(value);
        byte* memory = (byte*)CallerAllocations.Allocate((nuint)length + 1);
        Encoding.UTF8.GetBytes(value, new Span<byte>(memory, length));
        memory[length] = 0;
        return memory;
    }

    /// <summary>Reads a caller's NUL-terminated UTF-8 argument.</summary>
    /// <exception cref="NativeInputException">The pointer is NULL or the bytes are not UTF-8.</exception>
    public static string Read(byte* value, string parameter)
    {
        if (value == null)
        {
            throw new NativeInputException($"{parameter} is NULL");
        }

        var bytes = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(value);
        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new NativeInputException($"{parameter} is not valid UTF-8");
        }
    }
}
