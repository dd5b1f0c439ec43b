using System.CommandLine;
using System.Globalization;
using Grassroots.Audit;
using Grassroots.Common;
using Grassroots.Data;
using Grassroots.Demo;
using Grassroots.Exchange;
using Grassroots.Matching;
using Grassroots.People;
using Grassroots.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace Grassroots.Cli;

/// <summary>
/// The <c>grassroots</c> command: database migration, demo data, the first administrator, and batch import and export
/// of people with the same services, rules, scope and audit as the web application, and the dispatch planner on
/// standalone instance files (no database). The command acts as the system
/// actor named after the operating-system user (full scope; that name appears in the audit trail).
/// </summary>
/// <remarks>Exit codes: 0 done; 1 refused (validation errors, rule violations: nothing was changed); 2 usage (bad
/// arguments, missing file); 3 unexpected failure (e.g. the database cannot be reached).</remarks>
public static partial class CliApp
{
    public const int Ok = 0, Refused = 1, Usage = 2, Failed = 3;

    /// <summary>Runs the command with plain output (no colours, no prompts unless <paramref name="input"/> is given): for tests and scripts.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextReader? input = null)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        return RunAsync(args, console, output, input ?? TextReader.Null);
    }

    /// <summary>Runs the command on <paramref name="console"/>; a null <paramref name="input"/> means prompts go to the terminal.</summary>
    public static async Task<int> RunAsync(string[] args, IAnsiConsole console, TextWriter output, TextReader? input)
    {
        var root = Build(console, input);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var e in parsed.Errors) console.MarkupLineInterpolated($"[red]参数错误：{e.Message}[/]");
            console.WriteLine("用法见 grassroots --help。");
            return Usage;
        }
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = output, EnableDefaultExceptionHandler = false });
    }

    static readonly Option<string?> Connection = new("--connection")
    {
        Description = "数据库连接串：含 Host= 的按 PostgreSQL，否则按 SQLite（也可只写 SQLite 文件路径）。默认取配置 ConnectionStrings:Postgres / ConnectionStrings:Sqlite。",
        Recursive = true,
    };
    static readonly Option<string?> Postgres = new("--postgres") { Description = "PostgreSQL 连接串（同 ConnectionStrings:Postgres）。", Recursive = true };
    static readonly Option<string?> Sqlite = new("--sqlite") { Description = "SQLite 连接串或数据库文件路径（同 ConnectionStrings:Sqlite）。", Recursive = true };

    static RootCommand Build(IAnsiConsole console, TextReader? input)
    {
        var root = new RootCommand("Grassroots 基层干部队伍管理系统命令行：数据库迁移、演示数据、创建账号、人员批量导入导出、派驻规划求解。");
        root.Options.Add(Connection);
        root.Options.Add(Postgres);
        root.Options.Add(Sqlite);

        var db = new Command("db", "数据库维护。");
        var migrate = new Command("migrate", "升级数据库结构并装入参考数据（区划、国家标准代码表）。");
        migrate.SetAction((p, ct) => RunAsync(p, console, async (sp, settings) =>
        {
            await DatabaseInitializer.MigrateAsync(sp.GetRequiredService<GrassrootsDb>(), ct);
            console.MarkupLineInterpolated($"[green]数据库已是最新结构：{settings}[/]");
            return Ok;
        }, requireMigrated: false));
        db.Subcommands.Add(migrate);
        root.Subcommands.Add(db);

        var demo = new Command("demo", "演示数据。");
        var seed = new Command("seed", "装入演示账号和演示数据（只用于演示或培训环境）。");
        seed.SetAction((p, ct) => RunAsync(p, console, async (sp, _) =>
        {
            var seeder = sp.GetRequiredService<DemoSeeder>();
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var seeded = await seeder.SeedAsync(ct);
            console.WriteLine(seeded ? $"演示数据已装入（用时 {watch.Elapsed.TotalSeconds:F1} 秒）。" : "演示数据已存在，未重复装入。");
            if (seeder.Year is { } year) console.WriteLine("其中一年的日常管理与督查数据：" + year.Describe() + "。");
            console.WriteLine($"演示账号（密码 {DemoSeeder.Password}）：");
            foreach (var a in DemoSeeder.Accounts) console.WriteLine($"  {a.UserName,-16} {a.Description}");
            return Ok;
        }));
        demo.Subcommands.Add(seed);
        root.Subcommands.Add(demo);

        root.Subcommands.Add(UsersCommand(console, input));
        root.Subcommands.Add(PeopleCommand(console));
        root.Subcommands.Add(PlanCommand(console));
        root.Subcommands.Add(CodesCommand(console));
        root.Subcommands.Add(AuditCommand(console));
        root.Subcommands.Add(RoundsCommand(console));
        root.Subcommands.Add(InspectionsCommand(console));
        root.Subcommands.Add(CareCommand(console));
        root.Subcommands.Add(CheckInsCommand(console));
        return root;
    }

    static Command UsersCommand(IAnsiConsole console, TextReader? input)
    {
        var users = new Command("users", "账号管理。");
        var userName = new Option<string>("--user") { Description = "账号名（字母、数字、- . _）。", Required = true };
        var displayName = new Option<string?>("--display-name") { Description = "显示名称，如“普兰县委组织部”；默认同账号名。" };
        var roles = new Option<string[]>("--role")
        {
            Description = $"角色，可重复：{string.Join("、", Roles.All.Select(r => $"{r}（{Roles.DisplayName(r)}）"))}。三员（系统、安全、审计管理员）必须分立。",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var scope = new Option<string?>("--scope") { Description = "数据范围的区划代码（业务账号必填，如 542521；三员管理员不设）。" };
        var password = new Option<string?>("--password") { Description = "初始密码；不给时在终端提示输入（不回显）。" };
        var person = new Option<string?>("--person") { Description = "驻村干部账号（--role cadre）对应本人的身份证号；账号只看本人和本工作队，不设 --scope。" };
        var create = new Command("create", "创建账号；生产环境的第一个系统管理员用它创建。") { userName, displayName, roles, scope, password, person };
        create.SetAction((p, ct) => RunAsync(p, console, async (sp, _) =>
        {
            var name = p.GetValue(userName)!;
            var chosen = p.GetValue(roles) ?? [];
            // Refuse a 三员分立 violation before asking for a password.
            if (Roles.CheckCombination(chosen) is { } roleError) throw new ValidationException("roles", roleError);
            Guid? personId = null;
            if (p.GetValue(person) is { } idText)
            {
                var normalised = IdNumber.Normalise(idText);
                var db = sp.GetRequiredService<GrassrootsDb>();
                personId = await db.People.IgnoreQueryFilters().Where(x => x.IdNumber == IdNumber.FromTrusted(normalised)).Select(x => (Guid?)x.Id).FirstOrDefaultAsync(ct)
                    ?? throw new ValidationException("person", "没有身份证号为该号码的人员。");
            }
            var secret = p.GetValue(password) ?? ReadPassword(console, input);
            var user = await sp.GetRequiredService<AccountService>().CreateUserAsync(name, p.GetValue(displayName) ?? name, secret, chosen, p.GetValue(scope), ct, personId);
            console.MarkupLineInterpolated($"[green]已创建账号 {user.UserName}（{string.Join("、", chosen.Select(Roles.DisplayName))}{(user.ScopeCode is { } s ? "，数据范围 " + s : "")}）。[/]");
            return Ok;
        }));
        users.Subcommands.Add(create);
        return users;
    }

    static string ReadPassword(IAnsiConsole console, TextReader? input)
    {
        if (input is not null)
        {
            // Scripts pipe the password on standard input.
            return input.ReadLine() ?? throw new ValidationException("password", "没有给出密码：请用 --password 指定，或在标准输入中提供。");
        }
        while (true)
        {
            var first = console.Prompt(new TextPrompt<string>("请输入密码：").Secret());
            var second = console.Prompt(new TextPrompt<string>("请再次输入密码：").Secret());
            if (first == second) return first;
            console.MarkupLine("[red]两次输入的密码不一致，请重新输入。[/]");
        }
    }

    static Command PeopleCommand(IAnsiConsole console)
    {
        var people = new Command("people", "人员信息批量导入导出。");

        var importFile = new Argument<FileInfo>("FILE") { Description = "要导入的 .xlsx 文件（可用系统的导入模板填写）。" };
        var import = new Command("import", "导入人员：全部行无误才导入；有误时不导入任何人员，列出错误并写出 FILE.errors.xlsx。") { importFile };
        import.SetAction((p, ct) => RunAsync(p, console, async (sp, _) =>
        {
            var file = p.GetValue(importFile)!;
            if (!file.Exists)
            {
                console.MarkupLineInterpolated($"[red]找不到文件：{file.FullName}[/]");
                return Usage;
            }
            PeopleImportResult result;
            await using (var stream = file.OpenRead())
            {
                var importer = sp.GetRequiredService<PeopleImporter>();
                result = await WithProgressAsync(console, "导入", progress => importer.ImportAsync(stream, progress, ct));
            }
            if (result.Succeeded)
            {
                console.MarkupLineInterpolated($"[green]已导入 {result.Imported} 人。[/]");
                return Ok;
            }
            var table = new Table().AddColumn("行").AddColumn("列").AddColumn("错误原因");
            foreach (var e in result.Errors.Take(500)) table.AddRow(Markup.Escape(e.Row.ToString(System.Globalization.CultureInfo.InvariantCulture)), Markup.Escape(e.Column ?? ""), Markup.Escape(e.Message));
            console.Write(table);
            if (result.Errors.Count > 500) console.WriteLine($"……另有 {result.Errors.Count - 500} 条错误，见错误文件。");
            var errorsPath = Path.Combine(file.DirectoryName ?? ".", PeopleImportResult.ErrorFileName(file.Name));
            await using (var output = File.Create(errorsPath)) result.WriteErrorWorkbook(output);
            var badRows = result.Errors.Select(e => e.Row).Distinct().Count();
            console.MarkupLineInterpolated($"[red]共 {result.Rows} 行，其中 {badRows} 行有错误，没有导入任何人员。[/]");
            console.WriteLine($"已写出标注了错误原因的文件：{errorsPath}");
            return Refused;
        }));

        var exportFile = new Argument<FileInfo>("FILE") { Description = "要写出的 .xlsx 文件。" };
        var q = new Option<string?>("--q") { Description = "关键词：姓名、拼音首字母、单位、职务或身份证号码。" };
        var region = new Option<string?>("--region") { Description = "区划代码，如 542521。" };
        var kind = new Option<string?>("--kind") { Description = "人员类别：cadre 或 communityWorker。" };
        var unitId = new Option<Guid?>("--unit-id") { Description = "单位 ID。" };
        var line = new Option<string?>("--line") { Description = "条线，如 党群、经济。" };
        var sort = new Option<string?>("--sort") { Description = $"排序：{string.Join("、", PeopleService.SortKeys)}（默认按姓氏笔画）。" };
        var export = new Command("export", "导出花名册（身份证号码、电话脱敏），筛选条件同人员列表。") { exportFile, q, region, kind, unitId, line, sort };
        export.SetAction((p, ct) => RunAsync(p, console, async (sp, _) =>
        {
            var file = p.GetValue(exportFile)!;
            var query = new PeopleQuery { Q = p.GetValue(q), Region = p.GetValue(region), Kind = p.GetValue(kind), UnitId = p.GetValue(unitId), Line = p.GetValue(line), Sort = p.GetValue(sort) };
            var partial = file.FullName + ".partial";
            RosterExport result;
            try
            {
                await using (var stream = File.Create(partial))
                {
                    var exporter = sp.GetRequiredService<RosterExporter>();
                    result = await WithProgressAsync(console, "导出", progress => exporter.ExportAsync(query, stream, progress, ct));
                }
                File.Move(partial, file.FullName, overwrite: true);
            }
            finally
            {
                File.Delete(partial);
            }
            console.MarkupLineInterpolated($"[green]已导出 {result.Title}：{result.Rows} 人 → {file.FullName}[/]");
            return Ok;
        }));

        var templateFile = new Argument<FileInfo>("FILE") { Description = "要写出的导入模板 .xlsx 文件。" };
        var template = new Command("template", "写出人员导入模板（说明页、下拉列表）。") { templateFile };
        template.SetAction((p, ct) => RunAsync(p, console, async (sp, _) =>
        {
            var file = p.GetValue(templateFile)!;
            await using (var stream = File.Create(file.FullName)) await sp.GetRequiredService<ImportTemplateBuilder>().WriteAsync(stream, ct);
            console.MarkupLineInterpolated($"[green]已写出导入模板：{file.FullName}[/]");
            return Ok;
        }));

        people.Subcommands.Add(import);
        people.Subcommands.Add(export);
        people.Subcommands.Add(template);
        return people;
    }

    static Command PlanCommand(IAnsiConsole console)
    {
        var plan = new Command("plan", "派驻规划。");
        var instanceFile = new Argument<FileInfo>("FILE") { Description = "规划实例文件（grassroots-dispatch 1 文本格式）。" };
        var outFile = new Option<FileInfo?>("--out") { Description = "写出方案文件：每个安排一行，干部编号<TAB>村编号<TAB>F（第一书记）或 M（队员，含语言翻译队员）。" };
        var solve = new Command("solve-instance",
            "求解独立的规划实例（精确最优：先第一书记名额最多，再总名额最多，再总代价最小），输出 objective、fs_filled、filled、cost 各一行；"
            + "objective 为字典序三元组 fs_filled,filled,cost。不连接数据库。") { instanceFile, outFile };
        solve.SetAction(p =>
        {
            var file = p.GetValue(instanceFile)!;
            if (!file.Exists)
            {
                console.MarkupLineInterpolated($"[red]找不到文件：{file.FullName}[/]");
                return Usage;
            }
            DispatchSolution solution;
            try
            {
                DispatchInstance instance;
                using (var reader = new StreamReader(file.FullName, System.Text.Encoding.UTF8)) instance = DispatchInstance.Parse(reader);
                solution = DispatchSolver.Solve(instance);
            }
            catch (Exception ex) when (ex is DispatchFormatException or DispatchTooLargeException)
            {
                console.MarkupLineInterpolated($"[red]{file.Name}：{ex.Message}[/]");
                return Refused;
            }
            var o = solution.Objective;
            console.WriteLine($"objective {o}");
            console.WriteLine(FormattableString.Invariant($"fs_filled {o.FirstSecretaries}"));
            console.WriteLine(FormattableString.Invariant($"filled {o.Filled}"));
            console.WriteLine(FormattableString.Invariant($"cost {o.Cost}"));
            if (p.GetValue(outFile) is { } target)
            {
                try
                {
                    using var writer = new StreamWriter(target.FullName, append: false, new System.Text.UTF8Encoding(false));
                    solution.Plan.Write(writer);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    console.MarkupLineInterpolated($"[red]无法写出方案文件 {target.FullName}：{ex.Message}[/]");
                    return Failed;
                }
            }
            return Ok;
        });
        plan.Subcommands.Add(solve);

        var roundArg = new Argument<Guid>("ROUND") { Description = "选派批次编号（GUID，见 grassroots rounds list）。" };
        var planArg = new Argument<Guid>("PLAN") { Description = "方案编号（GUID）。" };
        var basedOn = new Option<Guid?>("--based-on") { Description = "沿用该方案的锁定与调整重新计算。" };
        var run = new Command("run", "为已截止的选派批次生成并计算方案（精确最优，含最优性校验），输出概况。") { roundArg, basedOn };
        run.SetAction((p, ct) => RunAsync(p, console, async (sp, _) =>
        {
            var planning = sp.GetRequiredService<Grassroots.Dispatch.PlanningService>();
            var created = await planning.CreateAsync(p.GetValue(roundArg), p.GetValue(basedOn), ct);
            await planning.RunAsync(created.Id, ct);
            return PrintPlan(console, await planning.GetAsync(created.Id, ct));
        }));
        plan.Subcommands.Add(run);

        var list = new Command("list", "列出选派批次的方案。") { roundArg };
        list.SetAction((p, ct) => RunAsync(p, console, async (sp, _) =>
        {
            var plans = await sp.GetRequiredService<Grassroots.Dispatch.PlanningService>().ListAsync(p.GetValue(roundArg), ct);
            if (plans.Count == 0) console.WriteLine("该批次还没有方案。");
            var table = new Table().AddColumns("方案", "编号", "状态", "第一书记", "已安排/岗位", "总代价");
            foreach (var x in plans)
            {
                table.AddRow($"方案{x.Number}", x.Id.ToString(), x.StatusName, $"{x.FirstSecretaryFilled}/{x.Villages}", $"{x.Filled}/{x.Slots}", x.TotalCost.ToString(CultureInfo.InvariantCulture));
            }
            if (plans.Count > 0) console.Write(table);
            return Ok;
        }));
        plan.Subcommands.Add(list);

        var show = new Command("show", "显示方案概况和空缺原因。") { planArg };
        show.SetAction((p, ct) => RunAsync(p, console, async (sp, _) =>
        {
            var planning = sp.GetRequiredService<Grassroots.Dispatch.PlanningService>();
            var code = PrintPlan(console, await planning.GetAsync(p.GetValue(planArg), ct));
            foreach (var g in await planning.GapsAsync(p.GetValue(planArg), ct))
            {
                console.WriteLine($"空缺 {g.Village} {Grassroots.Dispatch.TeamPlan.SlotName(g.Gap.Slot)} ×{g.Gap.Count}：{g.Gap.Reason}");
            }
            return code;
        }));
        plan.Subcommands.Add(show);

        var approve = new Command("approve", "审定方案（须已按当前锁定重新计算并通过最优性校验）。") { planArg };
        approve.SetAction((p, ct) => RunAsync(p, console, async (sp, _) =>
        {
            var planning = sp.GetRequiredService<Grassroots.Dispatch.PlanningService>();
            await planning.ApproveAsync(p.GetValue(planArg), null, ct);
            console.MarkupLine("[green]方案已审定。[/]");
            return Ok;
        }));
        plan.Subcommands.Add(approve);

        var publish = new Command("publish", "发布已审定的方案：一次性生成全部派驻记录（任期起止）和各村工作队，全部生效或全部不生效。") { planArg };
        publish.SetAction((p, ct) => RunAsync(p, console, async (sp, _) =>
        {
            var count = await sp.GetRequiredService<Grassroots.Dispatch.PlanningService>().PublishAsync(p.GetValue(planArg), null, ct);
            console.MarkupLineInterpolated($"[green]方案已发布：生成派驻记录 {count} 条。[/]");
            return Ok;
        }));
        plan.Subcommands.Add(publish);

        var exportFile = new Argument<FileInfo>("FILE") { Description = "写出的 .xlsx 文件。" };
        var export = new Command("export", "把方案导出为 Excel（安排表、空缺说明）。") { planArg, exportFile };
        export.SetAction((p, ct) => RunAsync(p, console, async (sp, _) =>
        {
            var file = p.GetValue(exportFile)!;
            // Written in memory first: an unknown plan leaves no empty file behind.
            using var buffer = new MemoryStream();
            await sp.GetRequiredService<Grassroots.Dispatch.PlanExporter>().ExportAsync(p.GetValue(planArg), buffer, ct);
            try
            {
                await File.WriteAllBytesAsync(file.FullName, buffer.ToArray(), ct);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                console.MarkupLineInterpolated($"[red]无法写出 {file.FullName}：{ex.Message}[/]");
                return Failed;
            }
            console.MarkupLineInterpolated($"[green]已写出 {file.FullName}[/]");
            return Ok;
        }));
        plan.Subcommands.Add(export);
        return plan;
    }

    static int PrintPlan(IAnsiConsole console, Grassroots.Dispatch.PlanSummary x)
    {
        console.WriteLine($"plan {x.Id}");
        console.WriteLine($"status {x.Status}");
        if (x.Error is not null)
        {
            console.MarkupLineInterpolated($"[red]{x.Error}[/]");
            return Refused;
        }
        console.WriteLine(FormattableString.Invariant($"fs_filled {x.FirstSecretaryFilled}"));
        console.WriteLine(FormattableString.Invariant($"filled {x.Filled}"));
        console.WriteLine(FormattableString.Invariant($"slots {x.Slots}"));
        console.WriteLine(FormattableString.Invariant($"cost {x.TotalCost}"));
        console.WriteLine(FormattableString.Invariant($"certified {(x.Certified ? "yes" : "no")}"));
        console.WriteLine(FormattableString.Invariant($"solve_ms {x.SolveMilliseconds}"));
        return Ok;
    }

    static Command AuditCommand(IAnsiConsole console)
    {
        var audit = new Command("audit", "审计日志。");
        var purge = new Command("purge", "按保存期限（Grassroots:Audit:RetentionMonths，至少 6 个月）清理过期的审计日志，清理本身记入审计日志。");
        purge.SetAction((p, ct) => RunAsync(p, console, async (sp, _) =>
        {
            var deleted = await sp.GetRequiredService<AuditRetention>().PurgeAsync(ct);
            console.MarkupLineInterpolated($"[green]已清理过期审计日志 {deleted} 条。[/]");
            return Ok;
        }));
        audit.Subcommands.Add(purge);
        return audit;
    }

    static Command CheckInsCommand(IAnsiConsole console)
    {
        var checkIns = new Command("checkins", "签到记录。");
        var purge = new Command("purge-positions",
            "按保存期限（Grassroots:Manage:PositionRetentionDays，默认 90 天，至少 14 天）清除签到的原始坐标，保留在岗判定、距离和可疑标记；待复核的可疑签到保留至复核。网站每天自动执行一次。");
        purge.SetAction((p, ct) => RunAsync(p, console, async (sp, _) =>
        {
            var retention = sp.GetRequiredService<Grassroots.Manage.PositionRetention>();
            var cutoff = retention.Cutoff();
            var cleared = await retention.PurgeAsync(ct);
            console.MarkupLineInterpolated($"[green]已清除 {cutoff:yyyy-MM-dd} 之前 {cleared} 条签到的原始坐标。[/]");
            return Ok;
        }));
        checkIns.Subcommands.Add(purge);
        return checkIns;
    }

    static Command CodesCommand(IAnsiConsole console)
    {
        var codes = new Command("codes", "代码表（字典）：查看，或导入扩展代码（如组织部门的 ZB 代码集）。");
        var listTable = new Argument<string?>("TABLE") { Description = "代码表名称，如 GB 3304；不填列出全部。", Arity = ArgumentArity.ZeroOrOne };
        var list = new Command("list", "列出代码表中的代码。") { listTable };
        list.SetAction((p, ct) => RunAsync(p, console, async (sp, _) =>
        {
            var rows = await sp.GetRequiredService<Codes.CodeTableService>().ListAsync(p.GetValue(listTable), ct);
            var grid = new Table().AddColumns("代码表", "代码", "名称", "上级", "启用", "停用");
            foreach (var r in rows) grid.AddRow(Markup.Escape(r.Table), Markup.Escape(r.Code), Markup.Escape(r.Name), Markup.Escape(r.ParentCode ?? ""), r.ValidFrom?.ToString("yyyy-MM-dd") ?? "", r.ValidTo?.ToString("yyyy-MM-dd") ?? "");
            console.Write(grid);
            return Ok;
        }));
        var table = new Argument<string>("TABLE") { Description = "代码表名称（新表或已有的表）。" };
        var file = new Argument<FileInfo>("FILE") { Description = "UTF-8 CSV：code,name[,parent_code[,valid_from[,valid_to]]]。" };
        var import = new Command("import", "导入代码：全部行无误才写入，已有代码则更新；国家标准代码只能设置启用或停用日期。") { table, file };
        import.SetAction((p, ct) => RunAsync(p, console, async (sp, _) =>
        {
            var f = p.GetValue(file)!;
            if (!f.Exists) { console.MarkupLineInterpolated($"[red]文件不存在：{f.FullName}[/]"); return Usage; }
            using var reader = new StreamReader(f.FullName, System.Text.Encoding.UTF8);
            var (added, updated) = await sp.GetRequiredService<Codes.CodeTableService>().ImportAsync(p.GetValue(table)!, reader, ct);
            console.MarkupLineInterpolated($"[green]代码表“{p.GetValue(table)}”：新增 {added} 个，更新 {updated} 个。[/]");
            return Ok;
        }));
        codes.Subcommands.Add(list);
        codes.Subcommands.Add(import);
        return codes;
    }

    /// <summary>Runs long work under a progress bar per stage (读取, 校验, 写入 / 导出).</summary>
    static async Task<T> WithProgressAsync<T>(IAnsiConsole console, string title, Func<IProgress<ExchangeProgress>, Task<T>> work)
    {
        return await console.Progress().AutoClear(false).StartAsync(async ctx =>
        {
            var tasks = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
            var progress = new SyncProgress(p =>
            {
                if (!tasks.TryGetValue(p.Stage, out var task)) tasks[p.Stage] = task = ctx.AddTask($"{title}：{p.Stage}");
                task.MaxValue = Math.Max(1, p.Total);
                task.Value = p.Done;
            });
            var result = await work(progress);
            foreach (var t in tasks.Values) t.Value = t.MaxValue;
            return result;
        });
    }

    /// <summary>Reports on the caller's thread, in order (unlike <see cref="Progress{T}"/>).</summary>
    sealed class SyncProgress(Action<ExchangeProgress> report) : IProgress<ExchangeProgress>
    {
        public void Report(ExchangeProgress value) => report(value);
    }

    /// <summary>Builds the services for the chosen database, acts as the OS user, runs the command and maps failures to exit codes.</summary>
    static async Task<int> RunAsync(ParseResult p, IAnsiConsole console, Func<IServiceProvider, DatabaseSettings, Task<int>> command, bool requireMigrated = true)
    {
        IConfiguration config;
        try
        {
            config = CliServices.Configuration(p.GetValue(Connection), p.GetValue(Postgres), p.GetValue(Sqlite));
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or IOException)
        {
            console.MarkupLineInterpolated($"[red]配置文件有误：{ex.Message}[/]");
            return Usage;
        }
        await using var services = CliServices.Build(config);
        await using var scope = services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        sp.GetRequiredService<CurrentUser>().ActAsSystem(Environment.UserName);
        var settings = sp.GetRequiredService<DatabaseSettings>();
        try
        {
            if (requireMigrated)
            {
                var pending = (await sp.GetRequiredService<GrassrootsDb>().Database.GetPendingMigrationsAsync()).ToList();
                if (pending.Count > 0)
                {
                    console.MarkupLineInterpolated($"[red]数据库（{settings}）尚未升级到当前版本（缺 {pending.Count} 个迁移），请先运行：grassroots db migrate[/]");
                    return Refused;
                }
            }
            return await command(sp, settings);
        }
        catch (ValidationException v)
        {
            foreach (var (place, messages) in v.Errors)
            {
                foreach (var m in messages) console.MarkupLineInterpolated($"[red]{(place.StartsWith('第') ? place + "：" : "")}{m}[/]");
            }
            return Refused;
        }
        catch (Exception ex) when (ex is DomainRuleException or ForbiddenException or NotFoundException)
        {
            console.MarkupLineInterpolated($"[red]{ex.Message}[/]");
            return Refused;
        }
        catch (OperationCanceledException)
        {
            console.WriteLine("已取消，没有做任何更改。");
            return Failed;
        }
        catch (Exception ex) when (ex is DbUpdateException or System.Data.Common.DbException or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            console.MarkupLineInterpolated($"[red]执行失败（{settings}）：{ex.GetBaseException().Message}[/]");
            return Failed;
        }
    }
}
