package DSNGuard;
1;
