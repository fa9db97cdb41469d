<?php

declare(strict_types=1);

namespace PayToken\Tests\Processes;

use PHPUnit\Framework\TestCase;

/** composer.json is what Composer will read: valid, and its PSR-4 map matches the files. */
final class PackageTest extends TestCase
{
    public function testComposerJsonDeclaresThePackage(): void
    {
        $composer = json_decode((string) file_get_contents(\dirname(__DIR__, 2) . '/composer.json'), true);
        self::assertIsArray($composer, 'composer.json is not valid JSON');
        self::assertSame('paytoken/paytoken', $composer['name']);
        self::assertSame('>=7.4', $composer['require']['php']);
        self::assertArrayHasKey('ext-ffi', $composer['require']);
        self::assertSame(['PayToken\\' => 'src/'], $composer['autoload']['psr-4']);
        foreach ($composer['bin'] as $bin) {
            self::assertFileIsReadable(\dirname(__DIR__, 2) . '/' . $bin);
        }
    }

    public function testEverySourceFileDeclaresTheClassItsPathNames(): void
    {
        $src = \dirname(__DIR__, 2) . '/src/';
        $iterator = new \RecursiveIteratorIterator(new \RecursiveDirectoryIterator($src, \FilesystemIterator::SKIP_DOTS));
        $count = 0;
        foreach ($iterator as $file) {
            $relative = substr($file->getPathname(), \strlen($src), -4);
            $class = 'PayToken\\' . str_replace('/', '\\', $relative);
            $code = (string) file_get_contents($file->getPathname());
            $namespace = \dirname(str_replace('\\', '/', $class));
            self::assertStringContainsString('namespace ' . str_replace('/', '\\', $namespace) . ';', $code, $relative);
            self::assertMatchesRegularExpression('/^(final |abstract )?(class|interface|trait) ' . preg_quote(basename($relative), '/') . '\b/m', $code, $relative);
            self::assertTrue(class_exists($class) || interface_exists($class) || trait_exists($class), $class);
            $count++;
        }
        self::assertGreaterThan(10, $count);
    }
}
