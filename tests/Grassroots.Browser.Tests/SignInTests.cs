using System.Text.RegularExpressions;
using Grassroots.Browser.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Grassroots.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed partial class SignInTests(BrowserApp app)
{
    [Fact]
    public async Task Login_WithWrongPassword_ShowsChineseErrorAndStaysSignedOut()
    {
        await using var s = await app.NewSessionAsync();
        await s.Page.GotoAsync("/login");
        await s.Page.Locator("#userName").FillAsync("zanda.county");
        await s.Page.Locator("#password").FillAsync("not-the-password");
        await s.Page.Locator("#password").PressAsync("Enter");

        await Expect(s.Page.Locator("#login-error")).ToHaveTextAsync("账号或密码错误。");
        await Expect(s.Page).ToHaveURLAsync(LoginUrl());
        var cookies = await s.Context.CookiesAsync();
        Assert.DoesNotContain(cookies, c => c.Name == "grassroots.auth");
    }

    [Fact]
    public async Task Login_AfterTooManyWrongPasswords_ShowsTheLockoutMessage_EvenForTheRightPassword()
    {
        await using var s = await app.NewSessionAsync();
        await s.Page.GotoAsync("/login");
        for (var i = 0; i < 5; i++)
        {
            await s.Page.Locator("#userName").FillAsync("secadmin");
            await s.Page.Locator("#password").FillAsync("wrong-password-" + i);
            await s.Page.Locator("#password").PressAsync("Enter");
            await Expect(s.Page.Locator("#login-error")).ToBeVisibleAsync();
        }
        await s.Page.Locator("#userName").FillAsync("secadmin");
        await s.Page.Locator("#password").FillAsync(BrowserApp.Password);
        await s.Page.Locator("#password").PressAsync("Enter");

        await Expect(s.Page.Locator("#login-error")).ToHaveTextAsync(new Regex("登录失败次数过多，账号已锁定，请 \\d+ 分钟后再试。"));
        await Expect(s.Page).ToHaveURLAsync(LoginUrl());
    }

    [Fact]
    public async Task Login_AfterBeingSentThere_ReturnsToTheRequestedPage()
    {
        await using var s = await app.NewSessionAsync();
        await s.Page.GotoAsync("/units");
        await Expect(s.Page).ToHaveURLAsync(LoginUrl());

        await s.Page.Locator("#userName").FillAsync("pulan.county");
        await s.Page.Locator("#password").FillAsync(BrowserApp.Password);
        await s.Page.Locator("main button[type=submit]").ClickAsync();

        await Expect(s.Page).ToHaveURLAsync(new Regex("/units$"));
        await Expect(s.Page.Locator("h1")).ToHaveTextAsync("单位");
    }

    [Fact]
    public async Task Layout_ShowsTheUsersNameRoleAndScope_AndLogoutEndsTheSession()
    {
        await using var s = await app.SignInAsync("pulan.county");
        await Expect(s.Page.Locator(".who")).ToContainTextAsync("普兰县委组织部");
        await Expect(s.Page.Locator(".who-role")).ToHaveTextAsync("县委组织部");
        await Expect(s.Page.Locator(".who-scope")).ToContainTextAsync("普兰县");
        await Expect(s.Page.Locator(".mainnav")).Not.ToContainTextAsync("审计");

        await s.Page.GetByRole(AriaRole.Button, new() { Name = "退出" }).ClickAsync();
        await Expect(s.Page).ToHaveURLAsync(LoginUrl());
        await s.Page.GotoAsync("/people");
        await Expect(s.Page).ToHaveURLAsync(LoginUrl());
    }

    [GeneratedRegex("/login")]
    private static partial Regex LoginUrl();
}
