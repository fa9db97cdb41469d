<?php

declare(strict_types=1);

namespace PayToken\Tests\Api;

use PayToken\Library;
use PHPUnit\Framework\TestCase;

final class LibraryTest extends TestCase
{
    public function testPicksTheFfiModeThisPhpAllows(): void
    {
        // The Makefile runs this suite once per mode and says which one it expects.
        $expected = getenv('PAYTOKEN_EXPECT_MODE');
        if ($expected === false || $expected === '') {
            $expected = \extension_loaded('ffi') && ini_get('ffi.preload') ? 'scope' : 'cdef';
        }
        self::assertSame($expected, Library::mode());
    }

    public function testReportsTheLibraryVersionAndPath(): void
    {
        self::assertMatchesRegularExpression('/^\d+\.\d+\.\d+/', Library::version());
        self::assertFileExists(Library::path());
    }
}
