using Grassroots.Cli;
using Spectre.Console;

return await CliApp.RunAsync(args, AnsiConsole.Console, Console.Out, Console.IsInputRedirected ? Console.In : null);
