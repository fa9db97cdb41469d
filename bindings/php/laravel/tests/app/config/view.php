<?php

// The skeleton's config/view.php (response() needs the view factory).
return [
    'paths' => [resource_path('views')],
    'compiled' => storage_path('framework/views'),
];
