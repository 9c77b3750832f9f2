using System.Runtime.CompilerServices;

namespace MultiModal.Training.Tests;

/// <summary>One OpenMP thread per test process: two threads on two shared cores once ran 18x slower.</summary>
internal static class TestSetup
{
    [ModuleInitializer]
    internal static void SingleThread() => TorchSharp.torch.set_num_threads(1);
}
