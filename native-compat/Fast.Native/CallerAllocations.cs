using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Fast.Native;

/// <summary>
/// Memory handed to the caller (the report strings) and taken back by <c>fm_free</c>. A second <c>fm_free</c> of one
/// pointer is the caller's bug and, with plain <c>free()</c>, undefined behaviour: glibc aborts when it notices,
/// and when it does not the heap is silently corrupted. In a debug build of the library (DEBUG), or with
/// <c>FASTMERGE_DEBUG_ALLOCATIONS=1</c> in the environment when it loads, every block handed out is registered: a
/// free of a pointer that is not live stops the process at that call (<see cref="Environment.FailFast(string)"/>, so
/// SIGABRT and a debugger or core dump points at the caller) with one line saying whether it is a double free or
/// memory this library never handed out. Freed blocks are then kept (never reused), so a late second free is still
/// recognised; that costs their memory, which is why release builds do none of it unless asked.
/// </summary>
internal static unsafe class CallerAllocations
{
    private const string DebugVariable = "FASTMERGE_DEBUG_ALLOCATIONS";

    private static readonly Registry? s_registry = DebugChecks() ? new Registry() : null;

    /// <summary>A block of <paramref name="size"/> bytes for the caller.</summary>
    public static void* Allocate(nuint size)
    {
        void* memory = NativeMemory.Alloc(size);
        s_registry?.Live.TryAdd((nint)memory, 0);
        return memory;
    }

    /// <summary><c>fm_free</c>: releases <paramref name="memory"/> (NULL does nothing).</summary>
    public static void Free(void* memory)
    {
        if (memory == null)
        {
            return;
        }

        if (s_registry is not { } registry)
        {
            NativeMemory.Free(memory);
            return;
        }

        if (registry.Live.TryRemove((nint)memory, out _))
        {
            registry.Freed.TryAdd((nint)memory, 0); // kept, not freed: the address is never handed out again
            return;
        }

        string address = ((nint)memory).ToString("x", CultureInfo.InvariantCulture);
        Environment.FailFast(registry.Freed.ContainsKey((nint)memory)
            ? $"fastmerge: fm_free(0x{address}): double free: this pointer was already released by fm_free (free each pointer once, then set it to NULL)"
            : $"fastmerge: fm_free(0x{address}): this pointer was not handed out by libfastmerge (or is not the start of a block it handed out)");
    }

    private static bool DebugChecks()
    {
#if DEBUG
        return true;
#else
        return Environment.GetEnvironmentVariable(DebugVariable) == "1";
#endif
    }

    private sealed class Registry
    {
        public ConcurrentDictionary<nint, byte> Live { get; } = new();

        public ConcurrentDictionary<nint, byte> Freed { get; } = new();
    }
}
