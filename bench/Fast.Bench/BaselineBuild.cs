using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.Loader;

namespace Fast.Bench;

/// <summary>
/// Another build's assembly (e.g. main's Fast.Kernels.dll) in a load context of its own, so a micro benchmark can time
/// that build's public kernels next to this build's in the same interleaved rounds: a before/after check of a kernel
/// change on one machine, without keeping a copy of the old code.
/// </summary>
internal static class BaselineBuild
{
    /// <summary>The static method <paramref name="type"/>.<paramref name="method"/> of the assembly at <paramref name="path"/> as a <typeparamref name="TDelegate"/>.</summary>
    public static TDelegate Method<TDelegate>(string path, string type, string method)
        where TDelegate : Delegate
    {
        Assembly baseline = Contexts.GetOrAdd(Path.GetFullPath(path), full => new AssemblyLoadContext($"baseline {full}").LoadFromAssemblyPath(full));
        Type found = baseline.GetType(type, throwOnError: true)!;
        return found.GetMethod(method, BindingFlags.Public | BindingFlags.Static)?.CreateDelegate<TDelegate>()
            ?? throw new InvalidOperationException($"{path}: no public static {type}.{method}");
    }

    /// <summary>
    /// The static method <paramref name="type"/>.<paramref name="method"/> of the assembly at <paramref name="path"/> with its
    /// parameter <paramref name="fixedIndex"/> fixed to the enum value <paramref name="enumValue"/> of that build (its own
    /// enum type, which this build's cannot stand for), as a <typeparamref name="TDelegate"/> taking the other parameters.
    /// </summary>
    public static TDelegate MethodWithEnum<TDelegate>(string path, string type, string method, int fixedIndex, string enumValue)
        where TDelegate : Delegate
    {
        Assembly baseline = Contexts.GetOrAdd(Path.GetFullPath(path), full => new AssemblyLoadContext($"baseline {full}").LoadFromAssemblyPath(full));
        MethodInfo target = baseline.GetType(type, throwOnError: true)!.GetMethod(method, BindingFlags.Public | BindingFlags.Static)
            ?? throw new InvalidOperationException($"{path}: no public static {type}.{method}");
        ParameterInfo[] targetParameters = target.GetParameters();
        Type enumType = targetParameters[fixedIndex].ParameterType;
        Type[] parameters = [.. typeof(TDelegate).GetMethod("Invoke")!.GetParameters().Select(p => p.ParameterType)];
        var shim = new DynamicMethod($"{method} ({enumValue})", typeof(void), parameters, typeof(BaselineBuild).Module);
        ILGenerator il = shim.GetILGenerator();
        for (int i = 0, argument = 0; i < targetParameters.Length; i++)
        {
            if (i == fixedIndex)
            {
                il.Emit(OpCodes.Ldc_I4, Convert.ToInt32(Enum.Parse(enumType, enumValue), System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                il.Emit(OpCodes.Ldarg, argument++);
            }
        }

        il.Emit(OpCodes.Call, target);
        il.Emit(OpCodes.Ret);
        return shim.CreateDelegate<TDelegate>();
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Assembly> Contexts = new();
}
