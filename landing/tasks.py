from smtplib import SMTPException

from celery import shared_task

from landing import services


@shared_task(
    acks_late=True,
    soft_time_limit=25 * 60,
    time_limit=30 * 60,
    # Deliveries are recorded one by one, so a retry after a mail-server failure resumes.
    autoretry_for=(SMTPException, OSError),
    retry_backoff=60,
    max_retries=8,
)
def email_news_post(post_id: int) -> int:
    """Email a newly published post to the programme's subscribers (safe to run twice)."""
    return services.news_post_email(post_id=post_id)
