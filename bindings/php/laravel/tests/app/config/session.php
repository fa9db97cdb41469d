<?php

// The skeleton's config/session.php, cut: no session store (the routes need none).
return ['driver' => 'array', 'lifetime' => 120, 'expire_on_close' => false, 'cookie' => 'laravel_session', 'path' => '/', 'domain' => null];
